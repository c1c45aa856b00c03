// What the JavaScript device classes (VxlanDevice, GretapDevice) share: the device they own
// and the members name, ifindex, features, stats and close. A CRTP base over
// Napi::ObjectWrap; `Wrap` adds its own members and supplies (privately, with
// `friend DeviceWrap;`)
//   static constexpr auto& kCounterNames;        // what stats() lists
//   Napi::Value FeaturesOf(Napi::Env, Device&);  // what features holds
// and may hide Shutdown() (what close does: drop the device) with its own.
#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "addon/napi_results.h"

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

  // The device, or a JavaScript error once closed.
  Device& device(Napi::Env env) {
    if (!device_) throw Napi::Error::New(env, "device is closed");
    return *device_;
  }

  void Shutdown() { device_.reset(); }

  std::unique_ptr<Device> device_;

 private:
  Wrap& self() { return static_cast<Wrap&>(*this); }

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

  void Close(const Napi::CallbackInfo&) { self().Shutdown(); }
};

}  // namespace vtepd
