// Results going back to JavaScript: counters as plain objects, and std::system_error as an
// Error carrying its errno.
#pragma once

#include <napi.h>

#include <system_error>

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

inline Napi::Error SystemErrorToJs(Napi::Env env, const std::system_error& e) {
  Napi::Error error = Napi::Error::New(env, e.what());
  error.Set("errno", Napi::Number::New(env, e.code().value()));
  return error;
}

}  // namespace vtepd
