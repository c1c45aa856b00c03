// JavaScript class VxlanDevice: a thin N-API shell over vtepd::VxlanDevice. Converts
// arguments and errors, and carries FDB and local MAC events (and the TAP's removal, see
// device_wrap.h) to JavaScript through thread-safe functions.
#pragma once

#include "addon/device_wrap.h"
#include "vxlan/vxlan_device.h"

namespace vtepd {

class VxlanDeviceWrap : public DeviceWrap<VxlanDeviceWrap, VxlanDevice> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new VxlanDevice(config, onEvents, onGone)
  explicit VxlanDeviceWrap(const Napi::CallbackInfo& info);
  ~VxlanDeviceWrap() override;

 private:
  friend DeviceWrap;
  static constexpr auto& kCounterNames = kVxlanCounterNames;
  Napi::Value FeaturesOf(Napi::Env env, VxlanDevice& device);
  void Shutdown();

  void FdbAdd(const Napi::CallbackInfo& info);
  void FdbDel(const Napi::CallbackInfo& info);
  Napi::Value FdbList(const Napi::CallbackInfo& info);
  Napi::Value FloodList(const Napi::CallbackInfo& info);
  void SetLocalLearning(const Napi::CallbackInfo& info);
  Napi::Value LocalMacs(const Napi::CallbackInfo& info);
  void NeighAdd(const Napi::CallbackInfo& info);
  void NeighDel(const Napi::CallbackInfo& info);
  Napi::Value NeighList(const Napi::CallbackInfo& info);

  Napi::ThreadSafeFunction events_;
};

}  // namespace vtepd
