// JavaScript class GeneveDevice: a thin N-API shell over vtepd::GeneveDevice.
#pragma once

#include "addon/device_wrap.h"
#include "geneve/geneve_device.h"

namespace vtepd {

class GeneveDeviceWrap : public DeviceWrap<GeneveDeviceWrap, GeneveDevice> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new GeneveDevice(config, onGone)
  explicit GeneveDeviceWrap(const Napi::CallbackInfo& info);

 private:
  friend DeviceWrap;
  // The TAP's offloads, and UDP GSO and GRO as VXLAN's.
  Napi::Value FeaturesOf(Napi::Env env, GeneveDevice& device);
  static constexpr auto& kCounterNames = kGeneveCounterNames;
};

}  // namespace vtepd
