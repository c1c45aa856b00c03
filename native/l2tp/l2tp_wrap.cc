#include "l2tp/l2tp_wrap.h"

#include <cctype>
#include <string>

#include "addon/napi_args.h"
#include "addon/napi_results.h"

namespace vtepd {

namespace {

// Marks L2tpTunnel objects, so a session is never handed another class's object.
constexpr napi_type_tag kTunnelTag = {0x6c32747054756e6eULL, 0x656c577261703031ULL};

L2tpEncap EncapField(const Napi::Object& obj) {
  std::string encap = StringField(obj, "encap");
  if (encap == "udp") return L2tpEncap::kUdp;
  if (encap == "ip") return L2tpEncap::kIp;
  throw Napi::TypeError::New(obj.Env(), "\"encap\" must be udp or ip");
}

L2tpTunnelConfig ReadTunnelConfig(const Napi::Object& obj) {
  Napi::Env env = obj.Env();
  L2tpTunnelConfig config;
  config.tunnel_id = UintField(obj, "tunnelId", UINT32_MAX);
  config.peer_tunnel_id = UintField(obj, "peerTunnelId", UINT32_MAX);
  config.encap = EncapField(obj);
  bool udp = config.encap == L2tpEncap::kUdp;
  config.local = ParseAddress(env, StringField(obj, "local"),
                              udp ? static_cast<uint16_t>(UintField(obj, "udpSport", 65535)) : 0);
  config.remote = ParseAddress(env, StringField(obj, "remote"),
                               udp ? static_cast<uint16_t>(UintField(obj, "udpDport", 65535)) : 0);
  if (config.local.family != config.remote.family) {
    throw Napi::TypeError::New(env, "local and remote must be of one address family");
  }
  config.udp_csum = BoolField(obj, "udpCsum");
  config.udp6_csum_tx = BoolField(obj, "udp6CsumTx");
  config.udp6_csum_rx = BoolField(obj, "udp6CsumRx");
  return config;
}

// "" (no cookie), or 8 or 16 hex digits.
L2tpCookie CookieField(const Napi::Object& obj, const char* key) {
  std::string text = StringField(obj, key);
  L2tpCookie cookie;
  if (text.size() != 0 && text.size() != 8 && text.size() != 16) {
    throw Napi::TypeError::New(obj.Env(), std::string("\"") + key + "\" must be 8 or 16 hex digits");
  }
  for (size_t i = 0; i < text.size(); i += 2) {
    if (!std::isxdigit(static_cast<unsigned char>(text[i])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 1]))) {
      throw Napi::TypeError::New(obj.Env(), std::string("\"") + key + "\" must be 8 or 16 hex digits");
    }
    cookie.bytes[i / 2] = static_cast<uint8_t>(std::stoul(text.substr(i, 2), nullptr, 16));
  }
  cookie.len = static_cast<uint8_t>(text.size() / 2);
  return cookie;
}

bool SublayerField(const Napi::Object& obj);

L2tpSessionConfig ReadSessionConfig(const Napi::Object& obj) {
  L2tpSessionConfig config;
  config.name = StringField(obj, "name");
  config.session_id = UintField(obj, "sessionId", UINT32_MAX);
  config.peer_session_id = UintField(obj, "peerSessionId", UINT32_MAX);
  config.cookie = CookieField(obj, "cookie");
  config.peer_cookie = CookieField(obj, "peerCookie");
  config.sublayer = SublayerField(obj);
  config.send_seq = BoolField(obj, "sendSeq");
  config.recv_seq = BoolField(obj, "recvSeq");
  config.mtu = static_cast<int>(UintField(obj, "mtu", 65535));
  config.offloads = BoolField(obj, "offloads");
  config.attach_ifindex = static_cast<int>(UintField(obj, "attachIfindex", INT32_MAX));
  return config;
}

bool SublayerField(const Napi::Object& obj) {
  std::string type = StringField(obj, "l2specType");
  if (type == "default") return true;
  if (type == "none") return false;
  throw Napi::TypeError::New(obj.Env(), "\"l2specType\" must be default or none");
}

const char* TunnelStatusName(L2tpTunnelDecode status) {
  switch (status) {
    case L2tpTunnelDecode::kOk: return "ok";
    case L2tpTunnelDecode::kTooShort: return "too_short";
    case L2tpTunnelDecode::kControl: return "control";
    case L2tpTunnelDecode::kBadVersion: return "bad_version";
  }
  return "unknown";
}

// As a tunnel with one session of `expect` would take the packet.
Napi::Value DecodeL2tpJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsBuffer() || !info[1].IsObject()) {
    throw Napi::TypeError::New(env, "usage: decodeL2tp(buffer, {encap, sessionId, peerCookie, l2specType})");
  }
  auto buffer = info[0].As<Napi::Buffer<uint8_t>>();
  Napi::Object obj = info[1].As<Napi::Object>();
  L2tpSessionHeader expect;
  expect.encap = EncapField(obj);
  expect.session_id = UintField(obj, "sessionId", UINT32_MAX);
  expect.cookie = CookieField(obj, "peerCookie");
  expect.sublayer = SublayerField(obj);
  Napi::Object out = Napi::Object::New(env);
  out.Set("sessionId", env.Null());
  out.Set("headerLength", env.Null());
  out.Set("seq", env.Null());
  L2tpTunnelDecodeResult tunnel = DecodeL2tpSessionId(buffer.Data(), buffer.Length(), expect.encap);
  out.Set("status", TunnelStatusName(tunnel.status));
  if (tunnel.status != L2tpTunnelDecode::kOk) return out;
  out.Set("sessionId", Napi::Number::New(env, tunnel.session_id));
  if (tunnel.session_id != expect.session_id) {
    out.Set("status", "unknown_session");
    return out;
  }
  L2tpSessionDecodeResult session = DecodeL2tpSession(buffer.Data(), buffer.Length(), tunnel.offset, expect);
  switch (session.status) {
    case L2tpSessionDecode::kOk: out.Set("status", "ok"); break;
    case L2tpSessionDecode::kTooShort: out.Set("status", "too_short"); return out;
    case L2tpSessionDecode::kCookieMismatch: out.Set("status", "cookie_mismatch"); return out;
  }
  out.Set("headerLength", static_cast<double>(session.header_len));
  if (session.has_seq) out.Set("seq", Napi::Number::New(env, session.seq));
  return out;
}

Napi::Value EncodeL2tpJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) {
    throw Napi::TypeError::New(env, "usage: encodeL2tp({encap, peerSessionId, cookie, l2specType, seq})");
  }
  Napi::Object obj = info[0].As<Napi::Object>();
  L2tpSessionHeader header;
  header.encap = EncapField(obj);
  header.session_id = UintField(obj, "peerSessionId", UINT32_MAX);
  header.cookie = CookieField(obj, "cookie");
  header.sublayer = SublayerField(obj);
  bool with_seq = !Field(obj, "seq").IsNull();
  uint32_t seq = with_seq ? UintField(obj, "seq", kL2tpSequenceMask) : 0;
  uint8_t bytes[kL2tpMaxHeaderSize];
  size_t len = EncodeL2tp(bytes, header, with_seq, seq);
  return Napi::Buffer<uint8_t>::Copy(env, bytes, len);
}

}  // namespace

void AddL2tpInternals(Napi::Env env, Napi::Object internals) {
  internals.Set("decodeL2tp", Napi::Function::New(env, DecodeL2tpJs));
  internals.Set("encodeL2tp", Napi::Function::New(env, EncodeL2tpJs));
}

Napi::Function L2tpTunnelWrap::Define(Napi::Env env) {
  return DefineClass(env, "L2tpTunnel",
                     {
                         InstanceMethod<&L2tpTunnelWrap::GetStats>("stats"),
                         InstanceMethod<&L2tpTunnelWrap::Close>("close"),
                     });
}

L2tpTunnelWrap::L2tpTunnelWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<L2tpTunnelWrap>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) {
    throw Napi::TypeError::New(env, "usage: new L2tpTunnel(config)");
  }
  L2tpTunnelConfig config = ReadTunnelConfig(info[0].As<Napi::Object>());
  try {
    tunnel_ = std::make_shared<L2tpTunnel>(config);
  } catch (const std::system_error& e) {
    throw SystemErrorToJs(env, e);
  }
  info.This().As<Napi::Object>().TypeTag(&kTunnelTag);
}

std::shared_ptr<L2tpTunnel> L2tpTunnelWrap::From(Napi::Value value) {
  Napi::Env env = value.Env();
  if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&kTunnelTag)) {
    throw Napi::TypeError::New(env, "not an L2tpTunnel");
  }
  L2tpTunnelWrap* wrap = Unwrap(value.As<Napi::Object>());
  if (!wrap->tunnel_) throw Napi::Error::New(env, "tunnel is closed");
  return wrap->tunnel_;
}

Napi::Value L2tpTunnelWrap::GetStats(const Napi::CallbackInfo& info) {
  if (!tunnel_) throw Napi::Error::New(info.Env(), "tunnel is closed");
  return StatsObject(info.Env(), tunnel_->stats(), kTunnelCounterNames);
}

void L2tpTunnelWrap::Close(const Napi::CallbackInfo&) { tunnel_.reset(); }

Napi::Function L2tpSessionWrap::Define(Napi::Env env) {
  return DefineDevice(env, "L2tpSessionDevice",
                      {InstanceAccessor<&L2tpSessionWrap::SendSeq>("sendSeq")});
}

L2tpSessionWrap::L2tpSessionWrap(const Napi::CallbackInfo& info) : DeviceWrap(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsObject() || !info[2].IsFunction()) {
    throw Napi::TypeError::New(env, "usage: new L2tpSessionDevice(config, tunnel, onGone)");
  }
  Napi::Object config_object = info[0].As<Napi::Object>();
  L2tpSessionConfig config = ReadSessionConfig(config_object);
  std::shared_ptr<L2tpTunnel> tunnel = L2tpTunnelWrap::From(info[1]);
  GoneCallback gone = WatchGone(env, info[2].As<Napi::Function>());
  try {
    device_ = std::make_unique<L2tpSessionDevice>(std::move(tunnel), config, std::move(gone));
  } catch (const std::system_error& e) {
    Shutdown();
    throw SystemErrorToJs(env, e);
  }
  PersistIfAsked(config_object);
}

Napi::Value L2tpSessionWrap::SendSeq(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), device(info.Env()).sending_seq());
}

}  // namespace vtepd
