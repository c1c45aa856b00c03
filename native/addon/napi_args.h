// Reading typed fields from JavaScript objects, with TypeErrors that name the field.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

#include "net/endpoint.h"
#include "net/underlay_options.h"

namespace vtepd {

inline Napi::Value Field(const Napi::Object& obj, const char* key) {
  Napi::Value value = obj.Get(key);
  if (value.IsUndefined()) {
    throw Napi::TypeError::New(obj.Env(), std::string("missing field \"") + key + "\"");
  }
  return value;
}

inline std::string StringField(const Napi::Object& obj, const char* key) {
  Napi::Value value = Field(obj, key);
  if (!value.IsString()) {
    throw Napi::TypeError::New(obj.Env(), std::string("\"") + key + "\" must be a string");
  }
  return value.As<Napi::String>().Utf8Value();
}

// `value` as an integer 0..max, else a RangeError: "WHAT must be an integer 0..MAX".
inline uint32_t CheckUint(Napi::Env env, const Napi::Value& value, uint32_t max, const std::string& what) {
  double number = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : -1;
  // Range first, written so NaN fails it: converting NaN to uint32_t is undefined behaviour.
  if (!(number >= 0 && number <= max) || number != static_cast<double>(static_cast<uint32_t>(number))) {
    throw Napi::RangeError::New(env, what + " must be an integer 0.." + std::to_string(max));
  }
  return static_cast<uint32_t>(number);
}

inline uint32_t UintField(const Napi::Object& obj, const char* key, uint32_t max) {
  return CheckUint(obj.Env(), Field(obj, key), max, std::string("\"") + key + "\"");
}

inline bool BoolField(const Napi::Object& obj, const char* key) {
  Napi::Value value = Field(obj, key);
  if (!value.IsBoolean()) {
    throw Napi::TypeError::New(obj.Env(), std::string("\"") + key + "\" must be a boolean");
  }
  return value.As<Napi::Boolean>().Value();
}

inline Endpoint ParseAddress(Napi::Env env, const std::string& text, uint16_t port) {
  auto ep = Endpoint::Parse(text, port);
  if (!ep) throw Napi::TypeError::New(env, "invalid address \"" + text + "\"");
  return *ep;
}

inline DfMode DfField(const Napi::Object& obj) {
  std::string df = StringField(obj, "df");
  if (df == "set") return DfMode::kSet;
  if (df == "unset") return DfMode::kUnset;
  if (df == "inherit") return DfMode::kInherit;
  throw Napi::TypeError::New(obj.Env(), "\"df\" must be set, unset or inherit");
}

// ttl, tos and df; multicastTtl too when the device can send to a group.
inline UnderlayOptions ReadUnderlayOptions(const Napi::Object& obj, bool multicast) {
  UnderlayOptions options;
  options.ttl = static_cast<int>(UintField(obj, "ttl", 255));
  options.tos = static_cast<int>(UintField(obj, "tos", 255));
  options.df = DfField(obj);
  if (multicast) options.multicast_ttl = static_cast<int>(UintField(obj, "multicastTtl", 255));
  return options;
}

// The keys of a device's config after its own: its TAP's (mtu, offloads, attachIfindex) and
// its workers' busy polling (spinMicroseconds).
template <typename Config>
void ReadTapAndPolling(const Napi::Object& obj, Config& config) {
  config.mtu = static_cast<int>(UintField(obj, "mtu", 65535));
  config.offloads = BoolField(obj, "offloads");
  config.spin_ns = uint64_t{UintField(obj, "spinMicroseconds", 1000000)} * 1000;
  config.attach_ifindex = static_cast<int>(UintField(obj, "attachIfindex", INT32_MAX));
}

}  // namespace vtepd
