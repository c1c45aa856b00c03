// JavaScript class GretapDevice: a thin N-API shell over vtepd::GretapDevice.
#pragma once

#include <napi.h>

#include <memory>

#include "gre/gretap_device.h"

namespace vtepd {

class GretapDeviceWrap : public Napi::ObjectWrap<GretapDeviceWrap> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new GretapDevice(config)
  explicit GretapDeviceWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Name(const Napi::CallbackInfo& info);
  Napi::Value Ifindex(const Napi::CallbackInfo& info);
  Napi::Value Features(const Napi::CallbackInfo& info);
  Napi::Value GetStats(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);

  GretapDevice& Device(Napi::Env env);

  std::unique_ptr<GretapDevice> device_;
};

}  // namespace vtepd
