#pragma once

// Serves a static_files set on a cpp-httplib server: GET and HEAD of its files (304
// for a matching If-None-Match) and its redirects ("/" and a prefix without its
// slash). Needs no API key: the console's pages hold no data, its API calls do.

#include "gateway/static_files.hpp"

#include <httplib.h>

#include <memory>

namespace agg::gateway {

void serve_files(httplib::Server& srv, std::shared_ptr<const static_files> files);

} // namespace agg::gateway
