// Module entry: each kind's classes (one line each below, the wrappers living in the kinds' folders),
// vxlanPorts(), workers(), setWorkers(), setAdaptivePoll(), sdNotify(), plus the pure
// parsers and the checksum under `internals` so tests can exercise them on crafted bytes
// without a TAP or a socket.
#include <napi.h>

#include "base/sd_notify.h"
#include "base/worker_pool.h"
#include "net/checksum.h"
#include "net/flow_hash.h"
#include "gre/gre_header.h"
#include "addon/napi_args.h"
#include "geneve/geneve_device_wrap.h"
#include "gre/gretap_device_wrap.h"
#include "l2tp/l2tp_wrap.h"
#include "addon/napi_results.h"
#include "vxlan/vxlan_device_wrap.h"
#include "vxlan/vxlan_header.h"
#include "vxlan/vxlan_port_registry.h"

namespace vtepd {
namespace {

Napi::Value DecodeVxlanJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsBuffer() || !info[1].IsNumber()) {
    throw Napi::TypeError::New(env, "usage: decodeVxlan(buffer, vni)");
  }
  auto buffer = info[0].As<Napi::Buffer<uint8_t>>();
  uint32_t vni = info[1].As<Napi::Number>().Uint32Value();
  VxlanDecodeResult result = DecodeVxlan(buffer.Data(), buffer.Length());
  switch (result.status) {
    case VxlanDecode::kOk:
      return Napi::String::New(env, result.vni == vni ? "ok" : "vni_mismatch");
    case VxlanDecode::kTooShort: return Napi::String::New(env, "too_short");
    case VxlanDecode::kBadFlags: return Napi::String::New(env, "bad_flags");
  }
  return env.Undefined();
}

const char* GreStatusName(GreDecode status) {
  switch (status) {
    case GreDecode::kOk: return "ok";
    case GreDecode::kTooShort: return "too_short";
    case GreDecode::kBadHeader: return "bad_header";
    case GreDecode::kNotTeb: return "not_teb";
    case GreDecode::kKeyMismatch: return "key_mismatch";
    case GreDecode::kBadChecksum: return "bad_checksum";
    case GreDecode::kMissingSeq: return "missing_seq";
  }
  return "unknown";
}

Napi::Value DecodeGreJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsBuffer() || !info[1].IsObject()) {
    throw Napi::TypeError::New(env, "usage: decodeGre(buffer, {ikey, icsum, iseq})");
  }
  auto buffer = info[0].As<Napi::Buffer<uint8_t>>();
  Napi::Object expect_obj = info[1].As<Napi::Object>();
  GreFields expect;
  if (!Field(expect_obj, "ikey").IsNull()) {
    expect.key = true;
    expect.key_value = UintField(expect_obj, "ikey", UINT32_MAX);
  }
  expect.csum = BoolField(expect_obj, "icsum");
  expect.seq = BoolField(expect_obj, "iseq");
  GreDecodeResult result = DecodeGre(buffer.Data(), buffer.Length(), expect);
  Napi::Object out = Napi::Object::New(env);
  out.Set("status", GreStatusName(result.status));
  out.Set("headerLength", static_cast<double>(result.header_len));
  out.Set("seq", result.has_seq ? Napi::Value(Napi::Number::New(env, result.seq)) : env.Null());
  return out;
}

Napi::Value VxlanPortsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<std::shared_ptr<VxlanPort>> ports = OpenVxlanPorts();
  Napi::Array out = Napi::Array::New(env, ports.size());
  for (size_t i = 0; i < ports.size(); i++) {
    const VxlanPort& port = *ports[i];
    Napi::Object obj = Napi::Object::New(env);
    obj.Set("family", port.options().family == AF_INET ? "inet" : "inet6");
    obj.Set("port", port.options().port);
    std::vector<uint32_t> vnis = port.Vnis();
    Napi::Array vni_array = Napi::Array::New(env, vnis.size());
    for (size_t k = 0; k < vnis.size(); k++) vni_array.Set(static_cast<uint32_t>(k), vnis[k]);
    obj.Set("vnis", vni_array);
    std::vector<std::string> groups = port.Groups();
    Napi::Array group_array = Napi::Array::New(env, groups.size());
    for (size_t k = 0; k < groups.size(); k++) group_array.Set(static_cast<uint32_t>(k), groups[k]);
    obj.Set("groups", group_array);
    obj.Set("stats", StatsObject(env, port.stats(), kPortCounterNames));
    out.Set(static_cast<uint32_t>(i), obj);
  }
  return out;
}


// workers(): the data path's worker pool (base/worker_pool.h): its size, and the sources each
// worker serves and the batches with traffic it has served (empty lists until the first
// device starts it).
Napi::Value WorkersJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("size", static_cast<double>(WorkerPool::SharedSize()));
  out.Set("adaptivePoll", static_cast<double>(WorkerPool::AdaptivePoll() / 1000));
  const WorkerPool* pool = WorkerPool::SharedIfStarted();
  out.Set("sources", NumberArray(env, pool ? pool->Load() : std::vector<size_t>{}));
  out.Set("batches", NumberArray(env, pool ? pool->Batches() : std::vector<uint64_t>{}));
  return out;
}

// setWorkers(n): the pool's size (0: one per core), before the first device; returns false
// once it has started with another size.
Napi::Value SetWorkersJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t n = CheckUint(env, info[0], 1024, "setWorkers: n");
  return Napi::Boolean::New(env, WorkerPool::SetSharedSize(n));
}

// setAdaptivePoll(usec): the ceiling of the workers' adaptive polling window (0: off).
Napi::Value SetAdaptivePollJs(const Napi::CallbackInfo& info) {
  uint32_t usec = CheckUint(info.Env(), info[0], 1000000, "setAdaptivePoll: usec");
  WorkerPool::SetAdaptivePoll(uint64_t{usec} * 1000);
  return info.Env().Undefined();
}

// sdNotify(socketPath, state): one sd_notify(3) datagram (see base/sd_notify.h).
Napi::Value SdNotifyJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
    throw Napi::TypeError::New(env, "usage: sdNotify(socketPath, state)");
  }
  SdNotify(info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::String>().Utf8Value());
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

// The Internet checksum of `buffer` as it would be stored in a header, read big-endian.
Napi::Value ChecksumJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsBuffer()) {
    throw Napi::TypeError::New(env, "usage: checksum(buffer)");
  }
  auto buffer = info[0].As<Napi::Buffer<uint8_t>>();
  uint8_t field[2];
  StoreChecksum(field, ChecksumAdd(0, buffer.Data(), buffer.Length()));
  return Napi::Number::New(env, field[0] << 8 | field[1]);
}

}  // namespace
}  // namespace vtepd

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace vtepd;
  exports.Set("VxlanDevice", VxlanDeviceWrap::Define(env));
  exports.Set("GretapDevice", GretapDeviceWrap::Define(env));
  exports.Set("GeneveDevice", GeneveDeviceWrap::Define(env));
  exports.Set("L2tpTunnel", L2tpTunnelWrap::Define(env));
  exports.Set("L2tpSessionDevice", L2tpSessionWrap::Define(env));
  exports.Set("vxlanPorts", Napi::Function::New(env, VxlanPortsJs));
  exports.Set("workers", Napi::Function::New(env, WorkersJs));
  exports.Set("setWorkers", Napi::Function::New(env, SetWorkersJs));
  exports.Set("setAdaptivePoll", Napi::Function::New(env, SetAdaptivePollJs));
  exports.Set("sdNotify", Napi::Function::New(env, SdNotifyJs));
  Napi::Object internals = Napi::Object::New(env);
  internals.Set("decodeVxlan", Napi::Function::New(env, DecodeVxlanJs));
  internals.Set("innerFlowHash", Napi::Function::New(env, InnerFlowHashJs));
  internals.Set("decodeGre", Napi::Function::New(env, DecodeGreJs));
  internals.Set("checksum", Napi::Function::New(env, ChecksumJs));
  AddL2tpInternals(env, internals);
  exports.Set("internals", internals);
  return exports;
}

NODE_API_MODULE(vtepd, Init)
