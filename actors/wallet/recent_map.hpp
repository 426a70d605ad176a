#pragma once

// A map that remembers insertion order so that its oldest entries can be dropped
// once it holds more than a bound, skipping nothing: eviction stops at the first
// entry the caller says must stay.

#include <deque>
#include <string>
#include <unordered_map>

namespace agg {

template <class V>
class recent_map {
public:
  V* find(const std::string& key) {
    auto i = map_.find(key);
    return i == map_.end() ? nullptr : &i->second;
  }

  const V* find(const std::string& key) const {
    auto i = map_.find(key);
    return i == map_.end() ? nullptr : &i->second;
  }

  // Inserts or overwrites; an overwritten key counts as new for eviction order.
  void put(const std::string& key, V value) {
    map_.insert_or_assign(key, std::move(value));
    order_.push_back(key);
  }

  // Inserts only when the key is unknown.
  void put_if_absent(const std::string& key, V value) {
    if (map_.try_emplace(key, std::move(value)).second) order_.push_back(key);
  }

  // Drops the oldest entries while more than max_size are held and keep(value) is
  // false for the oldest one.
  template <class Keep>
  void evict(size_t max_size, Keep keep) {
    while (map_.size() > max_size && !order_.empty()) {
      auto i = map_.find(order_.front());
      if (i != map_.end()) {
        if (keep(i->second)) return;
        map_.erase(i);
      }
      order_.pop_front();
    }
    // Keys overwritten many times leave stale order slots behind; bound them too.
    if (order_.size() > 4 * max_size + 64) compact();
  }

  // Forgets a key; its slot in the eviction order is skipped later.
  void erase(const std::string& key) { map_.erase(key); }

  size_t size() const { return map_.size(); }
  void clear() {
    map_.clear();
    order_.clear();
  }

private:
  void compact() {
    std::deque<std::string> fresh;
    std::unordered_map<std::string, bool> seen;
    for (auto i = order_.rbegin(); i != order_.rend(); ++i)
      if (map_.count(*i) != 0 && seen.emplace(*i, true).second) fresh.push_front(*i);
    order_ = std::move(fresh);
  }

  std::unordered_map<std::string, V> map_;
  std::deque<std::string> order_;
};

} // namespace agg
