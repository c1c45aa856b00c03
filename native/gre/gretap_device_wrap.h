// JavaScript class GretapDevice: a thin N-API shell over vtepd::GretapDevice.
#pragma once

#include "addon/device_wrap.h"
#include "gre/gretap_device.h"

namespace vtepd {

class GretapDeviceWrap : public DeviceWrap<GretapDeviceWrap, GretapDevice> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new GretapDevice(config, onGone)
  explicit GretapDeviceWrap(const Napi::CallbackInfo& info);

 private:
  friend DeviceWrap;
  static constexpr auto& kCounterNames = kGretapCounterNames;
};

}  // namespace vtepd
