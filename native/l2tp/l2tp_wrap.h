// JavaScript classes L2tpTunnel and L2tpSessionDevice: thin N-API shells over
// vtepd::L2tpTunnel and vtepd::L2tpSessionDevice. A session is made with the tunnel object
// it belongs to and holds the native tunnel, which lives on until its last session and
// its own object are gone.
#pragma once

#include <napi.h>

#include <memory>

#include "addon/device_wrap.h"
#include "l2tp/l2tp_session_device.h"
#include "l2tp/l2tp_tunnel.h"

namespace vtepd {

class L2tpTunnelWrap : public Napi::ObjectWrap<L2tpTunnelWrap> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new L2tpTunnel(config)
  explicit L2tpTunnelWrap(const Napi::CallbackInfo& info);

  // The tunnel of a JavaScript L2tpTunnel object; throws a TypeError for anything else, or
  // a closed one.
  static std::shared_ptr<L2tpTunnel> From(Napi::Value value);

 private:
  Napi::Value GetStats(const Napi::CallbackInfo& info);
  // Drops this object's hold on the tunnel (its sessions keep theirs); idempotent.
  void Close(const Napi::CallbackInfo& info);

  std::shared_ptr<L2tpTunnel> tunnel_;
};

class L2tpSessionWrap : public DeviceWrap<L2tpSessionWrap, L2tpSessionDevice> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new L2tpSessionDevice(config, tunnel, onGone)
  explicit L2tpSessionWrap(const Napi::CallbackInfo& info);

 private:
  friend DeviceWrap;
  static constexpr auto& kCounterNames = kL2tpSessionCounterNames;
  Napi::Value SendSeq(const Napi::CallbackInfo& info);
};

// internals.decodeL2tp(buffer, {encap, sessionId, peerCookie, l2specType}) and
// internals.encodeL2tp({encap, peerSessionId, cookie, l2specType, seq}): the codec on
// crafted bytes, for tests.
void AddL2tpInternals(Napi::Env env, Napi::Object internals);

}  // namespace vtepd
