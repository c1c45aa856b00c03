// JavaScript class VxlanDevice: a thin N-API shell over vtepd::VxlanDevice. Converts
// arguments and errors, and carries FDB events to JavaScript through a thread-safe function.
#pragma once

#include <napi.h>

#include <memory>

#include "vxlan/vxlan_device.h"

namespace vtepd {

class VxlanDeviceWrap : public Napi::ObjectWrap<VxlanDeviceWrap> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new VxlanDevice(config, onEvents)
  explicit VxlanDeviceWrap(const Napi::CallbackInfo& info);
  ~VxlanDeviceWrap() override;

 private:
  Napi::Value Name(const Napi::CallbackInfo& info);
  Napi::Value Ifindex(const Napi::CallbackInfo& info);
  Napi::Value Features(const Napi::CallbackInfo& info);
  void FdbAdd(const Napi::CallbackInfo& info);
  void FdbDel(const Napi::CallbackInfo& info);
  Napi::Value FdbList(const Napi::CallbackInfo& info);
  Napi::Value FloodList(const Napi::CallbackInfo& info);
  Napi::Value GetStats(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);

  VxlanDevice& Device(Napi::Env env);
  void Shutdown();

  std::unique_ptr<VxlanDevice> device_;
  Napi::ThreadSafeFunction events_;
};

}  // namespace vtepd
