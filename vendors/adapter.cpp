#include "vendors/adapter.hpp"

#include <mutex>

namespace agg::vendors {

namespace {

struct factories {
  std::mutex mtx;
  std::map<std::string, adapter_factory> by_kind;
};

// Constructed on first use, so that static registrations in any order find it.
factories& all() {
  static factories instance;
  return instance;
}

} // namespace

bool register_adapter(const std::string& kind, adapter_factory factory) {
  auto& f = all();
  std::lock_guard<std::mutex> guard{f.mtx};
  f.by_kind[kind] = std::move(factory);
  return true;
}

adapter_factory find_adapter(const std::string& kind) {
  auto& f = all();
  std::lock_guard<std::mutex> guard{f.mtx};
  auto i = f.by_kind.find(kind);
  return i == f.by_kind.end() ? adapter_factory{} : i->second;
}

std::vector<std::string> adapter_kinds() {
  auto& f = all();
  std::lock_guard<std::mutex> guard{f.mtx};
  std::vector<std::string> out;
  for (auto& [k, v] : f.by_kind)
    out.push_back(k);
  return out;
}

} // namespace agg::vendors
