#include "gre/gretap_device_wrap.h"

#include "addon/napi_args.h"
#include "addon/napi_results.h"

namespace vtepd {

namespace {

// A key field: null for none, else a u32.
GreFields KeyField(const Napi::Object& obj, const char* key) {
  GreFields fields;
  Napi::Value value = Field(obj, key);
  if (!value.IsNull()) {
    fields.key = true;
    fields.key_value = UintField(obj, key, UINT32_MAX);
  }
  return fields;
}

GretapConfig ReadGretapConfig(const Napi::Object& obj) {
  Napi::Env env = obj.Env();
  GretapConfig config;
  config.name = StringField(obj, "name");
  config.local = ParseAddress(env, StringField(obj, "local"), 0);
  config.remote = ParseAddress(env, StringField(obj, "remote"), 0);
  if (config.local.family != config.remote.family) {
    throw Napi::TypeError::New(env, "local and remote must be of one address family");
  }
  config.in = KeyField(obj, "ikey");
  config.out = KeyField(obj, "okey");
  config.in.csum = BoolField(obj, "icsum");
  config.out.csum = BoolField(obj, "ocsum");
  config.in.seq = BoolField(obj, "iseq");
  config.out.seq = BoolField(obj, "oseq");
  config.underlay = ReadUnderlayOptions(obj, /*multicast=*/false);
  ReadTapAndPolling(obj, config);
  return config;
}

}  // namespace

Napi::Function GretapDeviceWrap::Define(Napi::Env env) {
  return DefineDevice(env, "GretapDevice", {});
}

GretapDeviceWrap::GretapDeviceWrap(const Napi::CallbackInfo& info) : DeviceWrap(info) {
  StartDevice(info, "usage: new GretapDevice(config, onGone)", ReadGretapConfig);
}

}  // namespace vtepd
