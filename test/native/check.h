// A tiny unit-test harness, no framework: TEST(name) { ... } registers a test; CHECK(cond)
// and CHECK_EQ(a, b) record a failure with file:line (and both values) and let the test go
// on. main.cc runs every registered test and prints the totals.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace check {

struct Test {
  const char* name;
  void (*fn)();
};

inline std::vector<Test>& Registry() {
  static std::vector<Test> tests;
  return tests;
}

struct Registrar {
  Registrar(const char* name, void (*fn)()) { Registry().push_back({name, fn}); }
};

struct Counts {
  size_t checks = 0;
  size_t failed_checks = 0;
  const char* current_test = "";
};

inline Counts& counts() {
  static Counts c;
  return c;
}

inline void Fail(const char* file, int line, const std::string& what) {
  counts().failed_checks++;
  std::printf("FAIL %s (%s:%d): %s\n", counts().current_test, file, line, what.c_str());
}

template <typename T>
std::string Show(const T& v) {
  std::ostringstream out;
  if constexpr (std::is_same_v<T, bool>) {
    out << (v ? "true" : "false");
  } else if constexpr (std::is_pointer_v<T>) {
    out << static_cast<const void*>(v);
  } else if constexpr (std::is_enum_v<T>) {
    out << "enum " << static_cast<long long>(v);
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_signed_v<T>) {
      out << static_cast<long long>(v);
    } else {
      out << static_cast<unsigned long long>(v) << " (0x" << std::hex
          << static_cast<unsigned long long>(v) << ")";
    }
  } else {
    out << v;
  }
  return out.str();
}

// a == b without -Wsign-compare surprises: a negative value never equals an unsigned one.
template <typename A, typename B>
bool Equal(const A& a, const B& b) {
  if constexpr (std::is_integral_v<A> && std::is_integral_v<B> &&
                std::is_signed_v<A> != std::is_signed_v<B>) {
    if constexpr (std::is_signed_v<A>) {
      return a >= 0 && static_cast<unsigned long long>(a) == static_cast<unsigned long long>(b);
    } else {
      return b >= 0 && static_cast<unsigned long long>(a) == static_cast<unsigned long long>(b);
    }
  } else {
    return a == b;
  }
}

inline bool Check(bool ok, const char* file, int line, const char* expr) {
  counts().checks++;
  if (!ok) Fail(file, line, std::string("CHECK(") + expr + ")");
  return ok;
}

template <typename A, typename B>
bool CheckEq(const A& a, const B& b, const char* file, int line, const char* ea, const char* eb) {
  counts().checks++;
  if (Equal(a, b)) return true;
  Fail(file, line, std::string("CHECK_EQ(") + ea + ", " + eb + "): " + Show(a) + " != " + Show(b));
  return false;
}

// Byte strings: reports both sizes and the first offset where they differ.
inline bool CheckBytes(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b,
                       const char* file, int line, const char* ea, const char* eb) {
  counts().checks++;
  if (a == b) return true;
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) i++;
  std::ostringstream out;
  out << "CHECK_BYTES(" << ea << ", " << eb << "): sizes " << a.size() << " and " << b.size()
      << ", first difference at offset " << i;
  if (i < a.size() && i < b.size()) {
    out << std::hex << " (0x" << unsigned{a[i]} << " != 0x" << unsigned{b[i]} << ")";
  }
  Fail(file, line, out.str());
  return false;
}

}  // namespace check

#define TEST(name)                                                          \
  static void test_##name();                                                \
  static const ::check::Registrar registrar_##name(#name, &test_##name);    \
  static void test_##name()

#define CHECK(cond) ::check::Check(static_cast<bool>(cond), __FILE__, __LINE__, #cond)
#define CHECK_EQ(a, b) ::check::CheckEq((a), (b), __FILE__, __LINE__, #a, #b)
#define CHECK_BYTES(a, b) ::check::CheckBytes((a), (b), __FILE__, __LINE__, #a, #b)
