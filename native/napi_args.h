// Reading typed fields from JavaScript objects, with TypeErrors that name the field.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

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

inline uint32_t UintField(const Napi::Object& obj, const char* key, uint32_t max) {
  Napi::Value value = Field(obj, key);
  double number = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : -1;
  if (number < 0 || number > max || number != static_cast<double>(static_cast<uint32_t>(number))) {
    throw Napi::RangeError::New(obj.Env(), std::string("\"") + key + "\" must be an integer 0.." +
                                               std::to_string(max));
  }
  return static_cast<uint32_t>(number);
}

inline bool BoolField(const Napi::Object& obj, const char* key) {
  Napi::Value value = Field(obj, key);
  if (!value.IsBoolean()) {
    throw Napi::TypeError::New(obj.Env(), std::string("\"") + key + "\" must be a boolean");
  }
  return value.As<Napi::Boolean>().Value();
}

}  // namespace vtepd
