#include "geneve/geneve_device_wrap.h"

#include "addon/napi_args.h"
#include "addon/napi_results.h"
#include "vxlan/vxlan_header.h"

namespace vtepd {

namespace {

GeneveConfig ReadGeneveConfig(const Napi::Object& obj) {
  Napi::Env env = obj.Env();
  GeneveConfig config;
  config.name = StringField(obj, "name");
  uint16_t port = static_cast<uint16_t>(UintField(obj, "port", 65535));
  config.local = ParseAddress(env, StringField(obj, "local"), port);
  config.remote = ParseAddress(env, StringField(obj, "remote"), port);
  if (config.local.family != config.remote.family) {
    throw Napi::TypeError::New(env, "local and remote must be of one address family");
  }
  config.vni = UintField(obj, "vni", kMaxVni);
  config.srcport_min = static_cast<uint16_t>(UintField(obj, "srcportMin", 65535));
  config.srcport_max = static_cast<uint16_t>(UintField(obj, "srcportMax", 65535));
  if (config.srcport_min == 0 || config.srcport_min > config.srcport_max) {
    throw Napi::RangeError::New(env, "srcportMin and srcportMax must be 1 <= min <= max");
  }
  config.underlay = ReadUnderlayOptions(obj, /*multicast=*/false);
  config.checksums.ipv4_tx = BoolField(obj, "udpCsum");
  config.checksums.ipv6_tx = !BoolField(obj, "udp6ZeroCsumTx");
  config.checksums.ipv6_rx = !BoolField(obj, "udp6ZeroCsumRx");
  ReadTapAndPolling(obj, config);
  return config;
}

}  // namespace

Napi::Value GeneveDeviceWrap::FeaturesOf(Napi::Env env, GeneveDevice& device) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("tapOffloads", device.tap().offloads());
  out.Set("tapUso", device.tap().uso());
  out.Set("udpGso", device.udp_gso());
  out.Set("udpGro", device.udp_gro());
  return out;
}

Napi::Function GeneveDeviceWrap::Define(Napi::Env env) {
  return DefineDevice(env, "GeneveDevice", {});
}

GeneveDeviceWrap::GeneveDeviceWrap(const Napi::CallbackInfo& info) : DeviceWrap(info) {
  StartDevice(info, "usage: new GeneveDevice(config, onGone)", ReadGeneveConfig);
}

}  // namespace vtepd
