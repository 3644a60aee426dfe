// The HTTP messages every layer of the server passes around, and the one JSON error shape of
// DESIGN.md §4: {"error":{"code":"snake_case","message":"..."}}.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>

namespace orion::http {

namespace beast_http = boost::beast::http;
using Status = beast_http::status;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

// A response with `body` of `content_type`, HTTP/1.1, Content-Length set.
Response make_response(Status status, std::string body, std::string_view content_type);

// The JSON error body of DESIGN.md §4 with `status`.
Response json_error(Status status, std::string_view code, std::string_view message);

}  // namespace orion::http
