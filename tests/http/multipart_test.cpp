// Tests for conduit::Multipart: text and file parts, Content-Disposition parameters,
// boundaries from Content-Type, CRLF edge cases, limits, and malformed or truncated input
// (every prefix of a valid body fails cleanly, never reading out of bounds).
#include "conduit/http/multipart.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "conduit/http/request.hpp"

namespace {

using conduit::Multipart;
using conduit::MultipartError;
using conduit::MultipartLimits;

const std::string kBody =
    "preamble to ignore\r\n"
    "--AaB03x\r\n"
    "Content-Disposition: form-data; name=\"submit-name\"\r\n"
    "\r\n"
    "Larry\r\n"
    "--AaB03x\r\n"
    "Content-Disposition: form-data; name=\"files\"; filename=\"file1.txt\"\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "line one\r\nline two --AaB03x not a delimiter\r\n"
    "--AaB03x\r\n"
    "content-disposition: FORM-DATA; name=files; filename=\"two \\\"q\\\".bin\"\r\n"
    "Content-Type: application/octet-stream\r\n"
    "\r\n"
    "\r\n"
    "--AaB03x--\r\n"
    "epilogue to ignore";

std::string error_of(std::string_view body, std::string_view boundary,
                     const MultipartLimits& limits = {}) {
  try {
    Multipart::parse(body, boundary, limits);
  } catch (const MultipartError& error) {
    EXPECT_EQ(error.status(), 400);
    return error.what();
  }
  return "parsed";
}

TEST(Multipart, ParsesTextAndFileParts) {
  auto multipart = Multipart::parse(kBody, "AaB03x");
  ASSERT_EQ(multipart.size(), 3u);

  EXPECT_EQ(multipart.field("submit-name"), "Larry");
  const auto& text = multipart.parts()[0];
  EXPECT_FALSE(text.is_file());
  EXPECT_EQ(text.content_type, "text/plain");

  auto files = multipart.files("files");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0]->filename, "file1.txt");
  EXPECT_EQ(files[0]->data, "line one\r\nline two --AaB03x not a delimiter");
  EXPECT_EQ(files[1]->filename, "two \"q\".bin");
  EXPECT_EQ(files[1]->content_type, "application/octet-stream");
  EXPECT_EQ(files[1]->data, "");
  EXPECT_EQ(files[1]->headers.get("CONTENT-TYPE"), "application/octet-stream");
  EXPECT_EQ(multipart.file("files"), files[0]);
  EXPECT_EQ(multipart.part("files"), files[0]);

  EXPECT_EQ(multipart.field("files"), std::nullopt);  // only file parts have that name
  EXPECT_EQ(multipart.file("submit-name"), nullptr);
  EXPECT_EQ(multipart.part("nope"), nullptr);
}

TEST(Multipart, ExtendedFilenameWins) {
  std::string body =
      "--b\r\n"
      "Content-Disposition: form-data; name=\"f\"; filename=\"plain.txt\"; "
      "filename*=UTF-8''caf%C3%A9.txt\r\n\r\n"
      "x\r\n--b--";
  auto multipart = Multipart::parse(body, "b");
  EXPECT_EQ(multipart.file("f")->filename, "caf\xC3\xA9.txt");
  EXPECT_EQ(error_of("--b\r\nContent-Disposition: form-data; name=f; filename*=latin1''x\r\n\r\n"
                     "\r\n--b--",
                     "b"),
            "malformed multipart body: invalid filename*");
}

TEST(Multipart, TransportPaddingAndNoHeadersAreRejectedOrAcceptedPerRfc) {
  // Linear white space after a delimiter is allowed.
  auto padded =
      Multipart::parse("--b  \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--", "b");
  EXPECT_EQ(padded.field("a"), "1");
  // A part without headers has no name: RFC 7578 requires one.
  EXPECT_EQ(error_of("--b\r\n\r\ndata\r\n--b--", "b"),
            "malformed multipart body: part without Content-Disposition");
  EXPECT_EQ(error_of("--b\r\nContent-Disposition: form-data\r\n\r\n\r\n--b--", "b"),
            "malformed multipart body: part without a name");
  EXPECT_EQ(error_of("--b\r\nContent-Disposition: attachment; name=a\r\n\r\n\r\n--b--", "b"),
            "malformed multipart body: part is not form-data");
  EXPECT_EQ(error_of("--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\n\r\n--b--", "b"),
            "malformed multipart body: invalid Content-Disposition");
}

TEST(Multipart, EmptyBodyWithOnlyTheCloseDelimiter) {
  EXPECT_TRUE(Multipart::parse("--b--", "b").empty());
  EXPECT_TRUE(Multipart::parse("--b--\r\n", "b").empty());
}

TEST(Multipart, CrlfEdgeCases) {
  const std::string part = "Content-Disposition: form-data; name=a\r\n\r\n";
  // Bare LF line ends are not multipart.
  EXPECT_EQ(error_of("--b\nContent-Disposition: form-data; name=a\n\ndata\n--b--\n", "b"),
            "malformed multipart body: delimiter line not ended by CRLF");
  // Bare LF inside the header block.
  EXPECT_EQ(error_of("--b\r\nX: 1\nContent-Disposition: form-data; name=a\r\n\r\n\r\n--b--", "b"),
            "malformed multipart body: bare CR or LF in part header");
  // Folded header lines are obsolete.
  EXPECT_EQ(error_of("--b\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\n\r\n--b--", "b"),
            "malformed multipart body: folded part header");
  // Data ending in CR or LF keeps them: only the CRLF before the delimiter is dropped.
  auto kept = Multipart::parse("--b\r\n" + part + "x\r\r\n--b--", "b");
  EXPECT_EQ(kept.field("a"), "x\r");
  auto lf = Multipart::parse("--b\r\n" + part + "x\n\r\n--b--", "b");
  EXPECT_EQ(lf.field("a"), "x\n");
  // A delimiter not at a line start is data; the body then has no close.
  EXPECT_EQ(error_of("--b\r\n" + part + "x--b--", "b"),
            "malformed multipart body: body is truncated");
  // Anything but "--" or CRLF after a delimiter is malformed.
  EXPECT_EQ(error_of("--b\r\n" + part + "x\r\n--bc\r\n", "b"),
            "malformed multipart body: delimiter line not ended by CRLF");
}

TEST(Multipart, MalformedBoundaries) {
  EXPECT_EQ(error_of(kBody, ""), "malformed multipart body: invalid boundary");
  EXPECT_EQ(error_of(kBody, std::string(71, 'a')), "malformed multipart body: invalid boundary");
  EXPECT_EQ(error_of(kBody, "bad\"quote"), "malformed multipart body: invalid boundary");
  EXPECT_EQ(error_of(kBody, "other"), "malformed multipart body: no boundary delimiter");
  EXPECT_EQ(error_of("", "b"), "malformed multipart body: no boundary delimiter");
  // The boundary must start a line.
  EXPECT_EQ(error_of("x--b\r\n", "b"), "malformed multipart body: no boundary delimiter");
}

TEST(Multipart, EveryTruncationFailsCleanly) {
  const std::string_view body = kBody;
  const std::size_t complete = body.find("--AaB03x--") + 10;
  for (std::size_t n = 0; n < complete; ++n) {
    EXPECT_THROW(Multipart::parse(body.substr(0, n), "AaB03x"), MultipartError) << n;
  }
  for (std::size_t n = complete; n <= body.size(); ++n) {
    EXPECT_EQ(Multipart::parse(body.substr(0, n), "AaB03x").size(), 3u) << n;
  }
}

TEST(Multipart, CorruptedBytesNeverCrash) {
  // Deterministic single-byte corruptions at every position: each either parses or
  // throws MultipartError (AddressSanitizer builds check the bounds).
  std::string body = kBody;
  for (std::size_t i = 0; i < body.size(); ++i) {
    for (char c : {'\r', '\n', '-', '"', ';', '\0'}) {
      std::string corrupted = body;
      corrupted[i] = c;
      try {
        Multipart::parse(corrupted, "AaB03x");
      } catch (const MultipartError&) {
      }
    }
  }
  SUCCEED();
}

TEST(Multipart, LimitsAreEnforced) {
  MultipartLimits two_parts;
  two_parts.max_parts = 2;
  EXPECT_EQ(error_of(kBody, "AaB03x", two_parts), "multipart body has too many parts");

  MultipartLimits small_headers;
  small_headers.max_header_bytes = 40;
  EXPECT_EQ(error_of(kBody, "AaB03x", small_headers), "multipart part headers are too large");

  // A header block that never ends is "too large" once past the limit, not "truncated".
  std::string endless = "--b\r\nX: " + std::string(100, 'y');
  EXPECT_EQ(error_of(endless, "b", small_headers), "multipart part headers are too large");
  EXPECT_EQ(error_of(endless, "b"), "malformed multipart body: body is truncated");
}

TEST(Multipart, BoundaryFromContentType) {
  EXPECT_EQ(Multipart::boundary_of("multipart/form-data; boundary=AaB03x"), "AaB03x");
  EXPECT_EQ(Multipart::boundary_of("Multipart/Form-Data;Boundary=\"a b:c\""), "a b:c");
  EXPECT_EQ(Multipart::boundary_of("multipart/form-data; charset=utf-8; boundary=x"), "x");
  EXPECT_EQ(Multipart::boundary_of("multipart/form-data"), std::nullopt);
  EXPECT_EQ(Multipart::boundary_of("multipart/form-data; boundary="), std::nullopt);
  EXPECT_EQ(Multipart::boundary_of("multipart/form-data; boundary=\"unterminated"), std::nullopt);
  EXPECT_EQ(Multipart::boundary_of("multipart/form-data; boundary=\"ends with space \""),
            std::nullopt);
  EXPECT_EQ(Multipart::boundary_of("text/plain; boundary=x"), std::nullopt);
  EXPECT_EQ(Multipart::boundary_of(""), std::nullopt);
}

TEST(Multipart, RequestMultipart) {
  conduit::Request request;
  request.mutable_headers().set("Content-Type", "multipart/form-data; boundary=\"AaB03x\"");
  request.set_body(kBody);
  EXPECT_EQ(request.multipart().field("submit-name"), "Larry");

  request.mutable_headers().set("Content-Type", "application/json");
  try {
    (void)request.multipart();
    FAIL() << "expected HttpError";
  } catch (const conduit::HttpError& error) {
    EXPECT_EQ(error.status(), 415);
  }
}

}  // namespace
