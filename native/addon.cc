// Module entry: the VxlanDevice class, plus the pure parsers under `internals` so tests can
// exercise them on crafted bytes without a TAP or a socket.
#include <napi.h>

#include "flow_hash.h"
#include "vxlan_device_wrap.h"
#include "vxlan_header.h"

namespace vtepd {
namespace {

Napi::Value DecodeVxlanJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsBuffer() || !info[1].IsNumber()) {
    throw Napi::TypeError::New(env, "usage: decodeVxlan(buffer, vni)");
  }
  auto buffer = info[0].As<Napi::Buffer<uint8_t>>();
  uint32_t vni = info[1].As<Napi::Number>().Uint32Value();
  VxlanDecodeResult result = DecodeVxlan(buffer.Data(), buffer.Length(), vni);
  switch (result.status) {
    case VxlanDecode::kOk: return Napi::String::New(env, "ok");
    case VxlanDecode::kTooShort: return Napi::String::New(env, "too_short");
    case VxlanDecode::kBadFlags: return Napi::String::New(env, "bad_flags");
    case VxlanDecode::kVniMismatch: return Napi::String::New(env, "vni_mismatch");
  }
  return env.Undefined();
}

Napi::Value InnerFlowHashJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsBuffer()) {
    throw Napi::TypeError::New(env, "usage: innerFlowHash(buffer)");
  }
  auto buffer = info[0].As<Napi::Buffer<uint8_t>>();
  return Napi::Number::New(env, InnerFlowHash(buffer.Data(), buffer.Length()));
}

}  // namespace
}  // namespace vtepd

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace vtepd;
  exports.Set("VxlanDevice", VxlanDeviceWrap::Define(env));
  Napi::Object internals = Napi::Object::New(env);
  internals.Set("decodeVxlan", Napi::Function::New(env, DecodeVxlanJs));
  internals.Set("innerFlowHash", Napi::Function::New(env, InnerFlowHashJs));
  exports.Set("internals", internals);
  return exports;
}

NODE_API_MODULE(vtepd, Init)
