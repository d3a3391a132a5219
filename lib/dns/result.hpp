// SPDX-License-Identifier: MIT
// Result<T>: a value or an error message, for expected failures such as malformed input.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace endpointdns {

struct Failure {
    std::string message;
};

inline Failure fail(std::string message) {
    return Failure{std::move(message)};
}

// Holds either a T or a Failure. Parsers of untrusted data return this instead of throwing:
// malformed input is an expected outcome, not an exceptional one.
template <class T> class Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Failure f) : v_(std::move(f)) {}

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const std::string& error() const { return std::get<1>(v_).message; }

private:
    std::variant<T, Failure> v_;
};

} // namespace endpointdns
