// Small, complete HTTP/1.1 responses for the listener's HTTP side (errors, a served page).
#pragma once

#include <string>
#include <string_view>

namespace ampd {

// The reason phrase for a status code ("Not Found"), or "Unknown".
std::string_view http_status_text(int status);

// A whole response that closes the connection: status line, Content-Type, Content-Length,
// Connection: close, Cache-Control: no-cache, X-Content-Type-Options: nosniff, then
// `extra_headers` (complete "Name: value\r\n" lines) and the body unless `head_only` (HEAD).
std::string http_response(int status, std::string_view content_type, std::string_view body,
                          bool head_only = false, std::string_view extra_headers = {});

}  // namespace ampd
