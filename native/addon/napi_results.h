// Results going back to JavaScript: counters as plain objects, and failures as an Error
// carrying errno the way Node's own system errors do: `code` the errno name ('EEXIST'),
// `errno` the positive number, so callers branch on the code and never parse text.
#pragma once

#include <napi.h>

#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include "base/counters.h"

namespace vtepd {

// The counters `names` lists, in its order.
template <typename Enum, size_t N>
Napi::Object StatsObject(Napi::Env env, const BasicStats<Enum>& stats,
                         const CounterName<Enum> (&names)[N]) {
  Napi::Object out = Napi::Object::New(env);
  for (const CounterName<Enum>& entry : names) {
    out.Set(entry.name, static_cast<double>(stats.Get(entry.counter)));
  }
  return out;
}

// A list of counts as an array of numbers.
template <typename Count>
Napi::Array NumberArray(Napi::Env env, const std::vector<Count>& counts) {
  Napi::Array out = Napi::Array::New(env, counts.size());
  for (size_t i = 0; i < counts.size(); i++) out.Set(static_cast<uint32_t>(i), static_cast<double>(counts[i]));
  return out;
}

inline Napi::Error ErrnoToJs(Napi::Env env, int err, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  if (const char* name = strerrorname_np(err)) error.Set("code", name);  // glibc 2.32+
  error.Set("errno", Napi::Number::New(env, err));
  return error;
}

// A control-plane result: the errno's own text as the message.
inline Napi::Error ErrnoToJs(Napi::Env env, int err) {
  return ErrnoToJs(env, err, std::strerror(err));
}

// A setup failure: the message names what failed ("TUNSETIFF vx0: Device or resource busy").
inline Napi::Error SystemErrorToJs(Napi::Env env, const std::system_error& e) {
  return ErrnoToJs(env, e.code().value(), e.what());
}

}  // namespace vtepd
