// Making room before a change that must be reported: a table that cannot report a change
// (memory short) leaves itself as it was rather than change unseen.
#pragma once

#include <algorithm>
#include <new>
#include <vector>

namespace vtepd {

// Room for one more item in `items`, or false when memory is short. Grows geometrically, so
// calling it before every push_back costs nothing amortised.
template <typename T>
bool ReserveOneMore(std::vector<T>* items) {
  if (items->size() < items->capacity()) return true;
  try {
    items->reserve(std::max<size_t>(16, items->capacity() * 2));
    return true;
  } catch (const std::bad_alloc&) {
    return false;
  }
}

}  // namespace vtepd
