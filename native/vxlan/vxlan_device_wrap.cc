#include "vxlan/vxlan_device_wrap.h"

#include <atomic>
#include <memory>
#include <new>
#include <system_error>
#include <type_traits>
#include <vector>

#include "addon/napi_args.h"
#include "addon/napi_results.h"
#include "net/prefix.h"

namespace vtepd {

namespace {

// FDB and local MAC events queued for JavaScript, per device: bounded so a MAC flood cannot
// grow memory without limit when JavaScript is slow; past it events are dropped and counted
// (events_dropped). About 1-2 MB of events.
constexpr size_t kMaxQueuedEvents = 16384;

// A batch on its way to JavaScript (one kind of event), and the device's count of queued
// events it holds.
struct QueuedEvents {
  std::vector<FdbEvent> fdb;
  std::vector<LocalMacEvent> local;
  std::shared_ptr<std::atomic<size_t>> queued;

  size_t size() const { return fdb.size() + local.size(); }
  template <typename Event>
  std::vector<Event>& of() {
    if constexpr (std::is_same_v<Event, FdbEvent>) {
      return fdb;
    } else {
      return local;
    }
  }
};

MacAddress ParseMacArg(Napi::Env env, const std::string& text) {
  auto mac = ParseMac(text);
  if (!mac) throw Napi::TypeError::New(env, "invalid MAC address \"" + text + "\"");
  return *mac;
}

// "allow": canonical "ADDR/LEN" prefixes, each of the device's underlay family.
PrefixList AllowField(const Napi::Object& obj, sa_family_t family) {
  Napi::Env env = obj.Env();
  Napi::Value value = Field(obj, "allow");
  if (!value.IsArray()) throw Napi::TypeError::New(env, "\"allow\" must be an array of prefixes");
  Napi::Array list = value.As<Napi::Array>();
  std::vector<Prefix> prefixes;
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Value item = list.Get(i);
    std::string text = item.IsString() ? item.As<Napi::String>().Utf8Value() : "";
    auto prefix = Prefix::Parse(text);
    if (!prefix) throw Napi::TypeError::New(env, "invalid prefix \"" + text + "\" in \"allow\"");
    if (prefix->address.family != family) {
      throw Napi::TypeError::New(env, "prefix \"" + text + "\" in \"allow\" is not of local's family");
    }
    prefixes.push_back(*prefix);
  }
  return PrefixList(std::move(prefixes));
}

VxlanConfig ReadVxlanConfig(const Napi::Object& obj) {
  Napi::Env env = obj.Env();
  VxlanConfig config;
  config.name = StringField(obj, "name");
  config.vni = UintField(obj, "vni", kMaxVni);
  uint16_t dstport = static_cast<uint16_t>(UintField(obj, "dstport", 65535));
  config.local = ParseAddress(env, StringField(obj, "local"), dstport);
  config.srcport_min = static_cast<uint16_t>(UintField(obj, "srcportMin", 65535));
  config.srcport_max = static_cast<uint16_t>(UintField(obj, "srcportMax", 65535));
  if (config.srcport_min == 0 || config.srcport_min > config.srcport_max) {
    throw Napi::RangeError::New(env, "srcport range must be 1..65535 with min <= max");
  }
  std::string group = StringField(obj, "group");
  if (!group.empty()) {
    config.group = ParseAddress(env, group, dstport);
    if (config.group->family != config.local.family) {
      throw Napi::TypeError::New(env, "group and local must be of one address family");
    }
  }
  config.dev = StringField(obj, "dev");
  config.underlay = ReadUnderlayOptions(obj, /*multicast=*/true);
  config.ageing_seconds = UintField(obj, "ageing", UINT32_MAX);
  config.learning = BoolField(obj, "learning");
  config.local_learning = BoolField(obj, "localLearning");
  config.neigh_suppress = BoolField(obj, "neighSuppress");
  config.max_addresses = UintField(obj, "maxaddress", UINT32_MAX);
  config.allow = AllowField(obj, config.local.family);
  config.mtu = static_cast<int>(UintField(obj, "mtu", 65535));
  config.offloads = BoolField(obj, "offloads");
  config.spin_ns = uint64_t{UintField(obj, "spinMicroseconds", 1000000)} * 1000;
  config.queues = UintField(obj, "queues", 16);
  if (config.queues == 0) throw Napi::RangeError::New(env, "\"queues\" must be 1..16");
  config.attach_ifindex = static_cast<int>(UintField(obj, "attachIfindex", INT32_MAX));
  return config;
}

NeighbourOrigin OriginArg(Napi::Env env, const std::string& text) {
  if (text == "static") return NeighbourOrigin::kStatic;
  if (text == "evpn") return NeighbourOrigin::kEvpn;
  throw Napi::TypeError::New(env, "origin must be static or evpn");
}

const char* OriginName(NeighbourOrigin origin) {
  return origin == NeighbourOrigin::kStatic ? "static" : "evpn";
}

const char* EventType(FdbEvent::Type type) {
  switch (type) {
    case FdbEvent::Type::kLearned: return "learned";
    case FdbEvent::Type::kMoved: return "moved";
    case FdbEvent::Type::kAged: return "aged";
  }
  return "unknown";
}

// dst, port, vni and externLearn: a remote as fdbList rows and floodList entries show it.
void SetRemote(Napi::Object obj, const Remote& remote) {
  obj.Set("dst", remote.dst.AddressString());
  obj.Set("port", remote.dst.port);
  obj.Set("vni", remote.vni);
  obj.Set("externLearn", remote.extern_learn);
}

// A MAC's addresses as text, IPv4 first.
Napi::Array IpsArray(Napi::Env env, const LocalIps& ips) {
  Napi::Array out = Napi::Array::New(env, ips.size());
  for (size_t i = 0; i < ips.size(); i++) out.Set(static_cast<uint32_t>(i), ips[i].AddressString());
  return out;
}

Napi::Object EventObject(Napi::Env env, const FdbEvent& event) {
  Napi::Object obj = Napi::Object::New(env);
  obj.Set("type", EventType(event.type));
  obj.Set("mac", FormatMac(event.mac));
  obj.Set("dst", event.dst.AddressString());
  if (event.type == FdbEvent::Type::kMoved) obj.Set("from", event.from.AddressString());
  return obj;
}

Napi::Object EventObject(Napi::Env env, const LocalMacEvent& event) {
  Napi::Object obj = Napi::Object::New(env);
  bool learned = event.type == LocalMacEvent::Type::kLearned;
  obj.Set("type", learned ? "local-learned" : "local-aged");
  obj.Set("mac", FormatMac(event.mac));
  if (learned) obj.Set("ips", IpsArray(env, event.ips));
  return obj;
}

void CallWithEvents(Napi::Env env, Napi::Function callback, QueuedEvents* batch) {
  std::unique_ptr<QueuedEvents> owned(batch);
  owned->queued->fetch_sub(owned->size());
  if (env == nullptr || callback.IsEmpty()) return;  // tearing down
  Napi::Array events = Napi::Array::New(env, owned->size());
  uint32_t i = 0;
  for (const FdbEvent& event : owned->fdb) events.Set(i++, EventObject(env, event));
  for (const LocalMacEvent& event : owned->local) events.Set(i++, EventObject(env, event));
  callback.Call({events});
}

// A device's sink of one kind of event, queueing onto `events`. Called by data-path and
// housekeeping threads: never throws, false = dropped.
template <typename Event>
std::function<bool(std::vector<Event>&&)> EventSink(Napi::ThreadSafeFunction events,
                                                    std::shared_ptr<std::atomic<size_t>> queued) {
  return [events, queued](std::vector<Event>&& batch) mutable {
    size_t count = batch.size();
    if (queued->fetch_add(count) + count > kMaxQueuedEvents) {
      queued->fetch_sub(count);
      return false;
    }
    QueuedEvents* heap = new (std::nothrow) QueuedEvents;
    if (heap) {
      heap->of<Event>() = std::move(batch);  // moves the buffer: no allocation
      heap->queued = queued;
      if (events.NonBlockingCall(heap, CallWithEvents) == napi_ok) return true;
      delete heap;
    }
    queued->fetch_sub(count);
    return false;
  };
}

}  // namespace

Napi::Function VxlanDeviceWrap::Define(Napi::Env env) {
  return DefineDevice(env, "VxlanDevice",
                      {
                          InstanceMethod<&VxlanDeviceWrap::FdbAdd>("fdbAdd"),
                          InstanceMethod<&VxlanDeviceWrap::FdbDel>("fdbDel"),
                          InstanceMethod<&VxlanDeviceWrap::FdbList>("fdbList"),
                          InstanceMethod<&VxlanDeviceWrap::FloodList>("floodList"),
                          InstanceMethod<&VxlanDeviceWrap::SetLocalLearning>("setLocalLearning"),
                          InstanceMethod<&VxlanDeviceWrap::LocalMacs>("localMacs"),
                          InstanceMethod<&VxlanDeviceWrap::NeighAdd>("neighAdd"),
                          InstanceMethod<&VxlanDeviceWrap::NeighDel>("neighDel"),
                          InstanceMethod<&VxlanDeviceWrap::NeighList>("neighList"),
                      });
}

VxlanDeviceWrap::VxlanDeviceWrap(const Napi::CallbackInfo& info) : DeviceWrap(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsObject() || !info[1].IsFunction() || !info[2].IsFunction()) {
    throw Napi::TypeError::New(env, "usage: new VxlanDevice(config, onEvents, onGone)");
  }
  Napi::Object config_object = info[0].As<Napi::Object>();
  VxlanConfig config = ReadVxlanConfig(config_object);
  // Unbounded queue of batches: kMaxQueuedEvents bounds it (every batch holds an event).
  events_ = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "vtepd-fdb-events", 0, 1);
  // Events alone must not keep the process alive; the daemon's server does that.
  events_.Unref(env);
  auto queued = std::make_shared<std::atomic<size_t>>(0);
  GoneCallback gone = WatchGone(env, info[2].As<Napi::Function>());
  try {
    device_ = std::make_unique<VxlanDevice>(config, EventSink<FdbEvent>(events_, queued),
                                            EventSink<LocalMacEvent>(events_, queued),
                                            std::move(gone));
  } catch (const std::system_error& e) {
    events_.Release();
    DeviceWrap::Shutdown();
    throw SystemErrorToJs(env, e);
  } catch (...) {  // bad_alloc, say: NODE_ADDON_API_CPP_EXCEPTIONS_ALL makes it a JS error
    events_.Release();
    throw;
  }
  PersistIfAsked(config_object);
}

VxlanDeviceWrap::~VxlanDeviceWrap() { Shutdown(); }

void VxlanDeviceWrap::Shutdown() {
  if (!device_) return;
  DeviceWrap::Shutdown();  // no thread can call the sink after this
  events_.Release();
}

Napi::Value VxlanDeviceWrap::FeaturesOf(Napi::Env env, VxlanDevice& device) {
  DataPathFeatures features = device.features();
  Napi::Object out = Napi::Object::New(env);
  out.Set("tapOffloads", features.tap_offloads);
  out.Set("tapUso", features.tap_uso);
  out.Set("udpGso", features.udp_gso);
  out.Set("udpGro", features.udp_gro);
  return out;
}

void VxlanDeviceWrap::FdbAdd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsString()) {
    throw Napi::TypeError::New(env, "usage: fdbAdd({mac, dst, port, vni, externLearn}, mode)");
  }
  Napi::Object entry = info[0].As<Napi::Object>();
  std::string mode_name = info[1].As<Napi::String>().Utf8Value();
  FdbMode mode;
  if (mode_name == "add") mode = FdbMode::kAdd;
  else if (mode_name == "append") mode = FdbMode::kAppend;
  else if (mode_name == "replace") mode = FdbMode::kReplace;
  else throw Napi::TypeError::New(env, "mode must be add, append or replace");

  MacAddress mac = ParseMacArg(env, StringField(entry, "mac"));
  uint16_t port = static_cast<uint16_t>(UintField(entry, "port", 65535));
  Remote remote{ParseAddress(env, StringField(entry, "dst"), port),
                UintField(entry, "vni", kMaxVni), BoolField(entry, "externLearn")};
  int err = device(env).FdbUpdate(mac, remote, mode);
  if (err) throw ErrnoToJs(env, err);
}

void VxlanDeviceWrap::FdbDel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    throw Napi::TypeError::New(env, "usage: fdbDel(mac, dst?)");
  }
  MacAddress mac = ParseMacArg(env, info[0].As<Napi::String>().Utf8Value());
  Endpoint dst;
  bool only_dst = info.Length() > 1 && info[1].IsString();
  if (only_dst) dst = ParseAddress(env, info[1].As<Napi::String>().Utf8Value(), 0);
  int err = device(env).FdbRemove(mac, only_dst ? &dst : nullptr);
  if (err) throw ErrnoToJs(env, err);
}

Napi::Value VxlanDeviceWrap::FdbList(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<FdbRow> rows = device(env).FdbRows();
  Napi::Array out = Napi::Array::New(env, rows.size());
  for (size_t i = 0; i < rows.size(); i++) {
    const FdbRow& row = rows[i];
    Napi::Object obj = Napi::Object::New(env);
    obj.Set("mac", FormatMac(row.mac));
    SetRemote(obj, row.remote);
    obj.Set("permanent", row.permanent);
    obj.Set("idle", static_cast<double>(row.idle_seconds));
    out.Set(static_cast<uint32_t>(i), obj);
  }
  return out;
}

Napi::Value VxlanDeviceWrap::FloodList(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<Remote> remotes = device(env).FloodList();
  Napi::Array out = Napi::Array::New(env, remotes.size());
  for (size_t i = 0; i < remotes.size(); i++) {
    Napi::Object obj = Napi::Object::New(env);
    SetRemote(obj, remotes[i]);
    out.Set(static_cast<uint32_t>(i), obj);
  }
  return out;
}

void VxlanDeviceWrap::SetLocalLearning(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsBoolean()) {
    throw Napi::TypeError::New(env, "usage: setLocalLearning(on)");
  }
  device(env).SetLocalLearning(info[0].As<Napi::Boolean>().Value());
}

Napi::Value VxlanDeviceWrap::LocalMacs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<LocalMacRow> rows = device(env).LocalMacRows();
  Napi::Array out = Napi::Array::New(env, rows.size());
  for (size_t i = 0; i < rows.size(); i++) {
    Napi::Object obj = Napi::Object::New(env);
    obj.Set("mac", FormatMac(rows[i].mac));
    obj.Set("ips", IpsArray(env, rows[i].ips));
    obj.Set("idle", static_cast<double>(rows[i].idle_seconds));
    out.Set(static_cast<uint32_t>(i), obj);
  }
  return out;
}

void VxlanDeviceWrap::NeighAdd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsBoolean()) {
    throw Napi::TypeError::New(env, "usage: neighAdd({ip, mac, origin, router}, replace)");
  }
  Napi::Object entry = info[0].As<Napi::Object>();
  Endpoint ip = ParseAddress(env, StringField(entry, "ip"), 0);
  NeighbourAnswer answer{ParseMacArg(env, StringField(entry, "mac")), BoolField(entry, "router")};
  int err = device(env).NeighbourAdd(ip, OriginArg(env, StringField(entry, "origin")), answer,
                                     info[1].As<Napi::Boolean>().Value());
  if (err) throw ErrnoToJs(env, err);
}

void VxlanDeviceWrap::NeighDel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
    throw Napi::TypeError::New(env, "usage: neighDel(ip, origin)");
  }
  Endpoint ip = ParseAddress(env, info[0].As<Napi::String>().Utf8Value(), 0);
  int err = device(env).NeighbourRemove(ip, OriginArg(env, info[1].As<Napi::String>().Utf8Value()));
  if (err) throw ErrnoToJs(env, err);
}

Napi::Value VxlanDeviceWrap::NeighList(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<NeighbourRow> rows = device(env).NeighbourRows();
  Napi::Array out = Napi::Array::New(env, rows.size());
  for (size_t i = 0; i < rows.size(); i++) {
    Napi::Object obj = Napi::Object::New(env);
    obj.Set("ip", rows[i].ip.AddressString());
    obj.Set("mac", FormatMac(rows[i].answer.mac));
    obj.Set("origin", OriginName(rows[i].origin));
    obj.Set("router", rows[i].answer.router);
    out.Set(static_cast<uint32_t>(i), obj);
  }
  return out;
}

}  // namespace vtepd
