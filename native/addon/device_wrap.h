// What the JavaScript device classes (VxlanDevice, GretapDevice) share: the device they own
// and the members name, ifindex, features, stats and close. A CRTP base over
// Napi::ObjectWrap; `Wrap` adds its own members and supplies (privately, with
// `friend DeviceWrap;`)
//   static constexpr auto& kCounterNames;        // what stats() lists
// and may hide FeaturesOf(), what features holds (here: the TAP's offloads, all a device
// whose sockets use no UDP offloads has), and Shutdown() (what close does: drop the device) with its own, which ends by
// calling this one.
//
// Its constructor takes `onGone`, called once on the JavaScript thread when the device's TAP
// was removed from outside: the device is stopped and dropped first (it leaves its port),
// and from then on every member throws "device NAME is gone" (code ENODEV).
//
// close(remove = true) removes the TAP even when it is persistent; close(false) leaves a
// persistent TAP (with its addresses, routes and bridge port) for a later reattach.
#pragma once

#include <napi.h>

#include <cerrno>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "addon/napi_args.h"
#include "addon/napi_results.h"
#include "tap/tap_gone.h"

namespace vtepd {

template <typename Wrap, typename Device>
class DeviceWrap : public Napi::ObjectWrap<Wrap> {
 protected:
  using Properties = std::vector<typename Napi::ObjectWrap<Wrap>::PropertyDescriptor>;

  explicit DeviceWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Wrap>(info) {}

  // The class `name`: the shared accessors, then `own` members, then stats and close.
  static Napi::Function DefineDevice(Napi::Env env, const char* name, const Properties& own) {
    using Base = Napi::ObjectWrap<Wrap>;
    using Getter = typename Base::InstanceGetterCallback;
    using Method = typename Base::InstanceMethodCallback;
    using VoidMethod = typename Base::InstanceVoidMethodCallback;
    Properties properties = {
        Base::InstanceAccessor("name", Getter{&DeviceWrap::Name}, nullptr),
        Base::InstanceAccessor("ifindex", Getter{&DeviceWrap::Ifindex}, nullptr),
        Base::InstanceAccessor("features", Getter{&DeviceWrap::Features}, nullptr),
    };
    properties.insert(properties.end(), own.begin(), own.end());
    properties.push_back(Base::InstanceMethod("stats", Method{&DeviceWrap::GetStats}));
    properties.push_back(Base::InstanceMethod("close", VoidMethod{&DeviceWrap::Close}));
    return Base::DefineClass(env, name, properties);
  }

  ~DeviceWrap() override { Shutdown(); }

  // The device, or a JavaScript error once closed or gone.
  Device& device(Napi::Env env) {
    if (device_) return *device_;
    if (gone_name_.empty()) throw Napi::Error::New(env, "device is closed");
    throw ErrnoToJs(env, ENODEV, "device " + gone_name_ + " is gone");
  }

  // What the device calls, on its thread, when its TAP is gone: a call of `on_gone` on the
  // JavaScript thread through a thread-safe function that keeps nothing alive. Call before
  // making the device; Shutdown() (or a failed constructor) ends it.
  GoneCallback WatchGone(Napi::Env env, Napi::Function on_gone) {
    gone_ = Napi::ThreadSafeFunction::New(env, on_gone, "vtepd-tap-gone", 1, 1);
    gone_.Unref(env);
    Napi::ThreadSafeFunction gone = gone_;
    Wrap* wrap = &self();
    return [gone, wrap]() mutable { gone.NonBlockingCall(wrap, &DeviceWrap::CallOnGone); };
  }

  // The constructor of a device made from (config, onGone) alone: reads the config object
  // with `read`, makes the device and persists its TAP if asked. `usage` is the error for
  // other arguments.
  template <typename ReadConfig>
  void StartDevice(const Napi::CallbackInfo& info, const char* usage, ReadConfig read) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction()) {
      throw Napi::TypeError::New(env, usage);
    }
    Napi::Object config_object = info[0].As<Napi::Object>();
    auto config = read(config_object);
    GoneCallback gone = WatchGone(env, info[1].As<Napi::Function>());
    try {
      device_ = std::make_unique<Device>(config, std::move(gone));
    } catch (const std::system_error& e) {
      self().Shutdown();
      throw SystemErrorToJs(env, e);
    }
    PersistIfAsked(config_object);
  }

  // The offloads in use, when they are the TAP's alone.
  Napi::Value FeaturesOf(Napi::Env env, Device& device) {
    Napi::Object out = Napi::Object::New(env);
    out.Set("tapOffloads", device.tap().offloads());
    out.Set("tapUso", device.tap().uso());
    return out;
  }

  // Config key "persist": the new TAP outlives this process. Made so only once the device is
  // complete, so a device that fails to start leaves no interface behind.
  void PersistIfAsked(const Napi::Object& config) {
    if (!BoolField(config, "persist")) return;
    try {
      device_->tap().SetPersistent(true);
    } catch (const std::system_error& e) {
      self().Shutdown();
      throw SystemErrorToJs(config.Env(), e);
    }
  }

  // Drops the device. Aborting the thread-safe function discards a gone report still
  // queued (never delivered to a wrap that may be freed by then). Idempotent.
  void Shutdown() {
    device_.reset();
    if (gone_) {
      gone_.Abort();
      gone_ = Napi::ThreadSafeFunction();
    }
  }

  std::unique_ptr<Device> device_;

 private:
  Wrap& self() { return static_cast<Wrap&>(*this); }

  // Not called for a report discarded by Shutdown().
  static void CallOnGone(Napi::Env, Napi::Function on_gone, Wrap* wrap) {
    if (!wrap->device_) return;  // closed meanwhile
    wrap->gone_name_ = wrap->device_->tap().name();
    wrap->Shutdown();  // joins the threads, leaves the port
    on_gone.Call({});
  }

  Napi::Value Name(const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), device(info.Env()).tap().name());
  }

  Napi::Value Ifindex(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), device(info.Env()).tap().ifindex());
  }

  Napi::Value Features(const Napi::CallbackInfo& info) {
    return self().FeaturesOf(info.Env(), device(info.Env()));
  }

  Napi::Value GetStats(const Napi::CallbackInfo& info) {
    return StatsObject(info.Env(), device(info.Env()).stats(), Wrap::kCounterNames);
  }

  void Close(const Napi::CallbackInfo& info) {
    bool remove = info.Length() == 0 || info[0].ToBoolean();
    if (remove && device_) {
      try {
        device_->tap().SetPersistent(false);  // the TAP goes with the last fd, closed below
      } catch (const std::system_error&) {
        // Removed from outside already: nothing left to remove.
      }
    }
    self().Shutdown();
  }

  Napi::ThreadSafeFunction gone_;
  std::string gone_name_;  // set once the TAP is gone
};

}  // namespace vtepd
