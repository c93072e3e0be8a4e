#include "app/io/text_encoding.h"

#include <doctest/doctest.h>

#include <string>

using namespace unionsync;

namespace {

// "姓名,工号\r\n张三,001\r\n" as Excel saves it on Chinese Windows.
const std::string kGbkRoster = "\xD0\xD5\xC3\xFB,\xB9\xA4\xBA\xC5\r\n\xD5\xC5\xC8\xFD,001\r\n";
const std::string kUtf8Roster = "姓名,工号\r\n张三,001\r\n";

std::string repeat(std::string_view text, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += text;
  return out;
}

}  // namespace

TEST_CASE("encoding names") {
  CHECK(encodingName(Encoding::Utf8) == "utf-8");
  CHECK(encodingName(Encoding::Gbk) == "gbk");
  CHECK(encodingName(Encoding::Auto) == "auto");
  CHECK(encodingFromName("AUTO") == Encoding::Auto);
  CHECK(encodingFromName("utf-8") == Encoding::Utf8);
  CHECK(encodingFromName("UTF8") == Encoding::Utf8);
  CHECK(encodingFromName("GBK") == Encoding::Gbk);
  CHECK(encodingFromName("gb18030") == Encoding::Gbk);
  CHECK(encodingFromName("GB2312") == Encoding::Gbk);
  CHECK_FALSE(encodingFromName("latin1").has_value());
  CHECK_FALSE(encodingFromName("").has_value());
}

TEST_CASE("isValidUtf8 accepts well-formed text only") {
  CHECK(isValidUtf8(""));
  CHECK(isValidUtf8("plain ASCII, long enough for the word-at-a-time path"));
  CHECK(isValidUtf8("工会会员 䶮 𠮷"));
  CHECK_FALSE(isValidUtf8("\xC0\x80"));          // overlong NUL
  CHECK_FALSE(isValidUtf8("\xE0\x80\xAF"));      // overlong '/'
  CHECK_FALSE(isValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  CHECK_FALSE(isValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(isValidUtf8("\xE5\xB7"));          // truncated
  CHECK_FALSE(isValidUtf8("\x80"));              // lone continuation byte
  CHECK_FALSE(isValidUtf8(kGbkRoster));
  CHECK_FALSE(isValidUtf8(repeat("abcdefgh", 10) + "\xFF" + repeat("abcdefgh", 10)));
}

TEST_CASE("UTF-8 without BOM is detected and kept") {
  auto decoded = decodeText(kUtf8Roster, Encoding::Auto);
  REQUIRE(decoded);
  CHECK(decoded->detected == Encoding::Utf8);
  CHECK_FALSE(decoded->hadBom);
  CHECK(decoded->utf8 == kUtf8Roster);
}

TEST_CASE("a UTF-8 BOM is stripped") {
  for (const Encoding encoding : {Encoding::Auto, Encoding::Utf8}) {
    auto decoded = decodeText("\xEF\xBB\xBF" + kUtf8Roster, encoding);
    REQUIRE(decoded);
    CHECK(decoded->detected == Encoding::Utf8);
    CHECK(decoded->hadBom);
    CHECK(decoded->utf8 == kUtf8Roster);
  }
}

TEST_CASE("GBK bytes are detected and decoded") {
  auto decoded = decodeText(kGbkRoster, Encoding::Auto);
  REQUIRE(decoded);
  CHECK(decoded->detected == Encoding::Gbk);
  CHECK_FALSE(decoded->hadBom);
  CHECK(decoded->utf8 == kUtf8Roster);

  auto forced = decodeText(kGbkRoster, Encoding::Gbk);
  REQUIRE(forced);
  CHECK(forced->utf8 == kUtf8Roster);
}

TEST_CASE("a GB18030 byte-order mark is stripped") {
  auto decoded = decodeText("\x84\x31\x95\x33" + kGbkRoster, Encoding::Gbk);
  REQUIRE(decoded);
  CHECK(decoded->hadBom);
  CHECK(decoded->utf8 == kUtf8Roster);
}

TEST_CASE("encodeText writes GBK") {
  auto encoded = encodeText(kUtf8Roster, Encoding::Gbk);
  REQUIRE(encoded);
  CHECK(*encoded == kGbkRoster);
  CHECK(encodeText(kUtf8Roster, Encoding::Utf8) == kUtf8Roster);
  CHECK_FALSE(encodeText(kUtf8Roster, Encoding::Auto));
}

TEST_CASE("rare name characters round trip through GB18030") {
  // 䶮 is the two-byte code FE9F in GB18030-2005 and later (a PUA code in plain GBK);
  // 㐀 and 𠮷 take four-byte codes; 堃 喆 淼 are ordinary two-byte codes.
  const std::string names = "刘䶮,王堃,张喆,李淼,㐀,𠮷野\r\n";
  auto encoded = encodeText(names, Encoding::Gbk);
  REQUIRE(encoded);
  CHECK(encodeText("䶮", Encoding::Gbk) == "\xFE\x9F");
  CHECK(encodeText("㐀", Encoding::Gbk) == "\x81\x39\xEE\x39");
  CHECK(encodeText("𠮷", Encoding::Gbk).value_or("").size() == 4);

  auto decoded = decodeText(*encoded, Encoding::Auto);
  REQUIRE(decoded);
  CHECK(decoded->detected == Encoding::Gbk);
  CHECK(decoded->utf8 == names);
}

TEST_CASE("large GBK text converts both ways") {
  // Larger than the conversion buffers, with four-byte codes throughout.
  const std::string utf8 = repeat("王䶮,㐀𠮷,工会会员 2024-01-01,\"备注\"\r\n", 20000);
  auto encoded = encodeText(utf8, Encoding::Gbk);
  REQUIRE(encoded);
  auto decoded = decodeText(*encoded, Encoding::Gbk);
  REQUIRE(decoded);
  CHECK(decoded->utf8 == utf8);
}

TEST_CASE("damaged bytes in a UTF-8 file become U+FFFD and are counted with their first line") {
  auto decoded = decodeText("a,b\nc,\xC3\x28\n", Encoding::Utf8);
  REQUIRE(decoded);
  CHECK(decoded->utf8 == "a,b\nc,\xEF\xBF\xBD(\n");
  CHECK(decoded->replaced == 1);
  CHECK(decoded->firstReplacedLine == 2);

  auto withBom = decodeText("\xEF\xBB\xBF\n\r\xFF\xFE,\xE5\xBC", Encoding::Auto);
  REQUIRE(withBom);
  CHECK(withBom->utf8 == "\n\r\xEF\xBF\xBD\xEF\xBF\xBD,\xEF\xBF\xBD");  // a truncated sequence is one
  CHECK(withBom->replaced == 3);
  CHECK(withBom->firstReplacedLine == 3);

  // Chinese UTF-8 with one bad byte, detected without a BOM: the line stays readable.
  auto detected = decodeText(kUtf8Roster + "张三丰,\xFF,工会会员\r\n", Encoding::Auto);
  REQUIRE(detected);
  CHECK(detected->detected == Encoding::Utf8);
  CHECK(detected->firstReplacedLine == 3);
  CHECK(detected->utf8.ends_with("张三丰,\xEF\xBF\xBD,工会会员\r\n"));
}

TEST_CASE("a UTF-8 file with GBK lines in utf-8 mode names offset and line") {
  auto decoded = decodeText("a,b\nc," + kGbkRoster, Encoding::Utf8);
  REQUIRE_FALSE(decoded);
  CHECK(decoded.error().message.find("byte offset 6 (line 2)") != std::string::npos);
  CHECK(decoded.error().message.find("gbk") != std::string::npos);
}

TEST_CASE("GBK rows after UTF-8 rows are refused, naming the first GBK line") {
  const std::string gbkRows = encodeText("李四,幸福街道总工会,汉族\r\n王五,阳光社区联合工会,回族\r\n", Encoding::Gbk).value();
  for (const Encoding encoding : {Encoding::Auto, Encoding::Utf8}) {
    auto decoded = decodeText(kUtf8Roster + "\r\n" + gbkRows, encoding);
    REQUIRE_FALSE(decoded);
    CHECK(decoded.error().message.find("第 4 行的编码与前文不同（GBK/UTF-8 混用）") != std::string::npos);
    CHECK(decoded.error().message.find("line 4 is in another encoding than the lines before it") !=
          std::string::npos);
    CHECK(decoded.error().message.find("line 1 is UTF-8") != std::string::npos);
  }
  auto withBom = decodeText("\xEF\xBB\xBF" + kUtf8Roster + gbkRows, Encoding::Auto);
  REQUIRE_FALSE(withBom);
  CHECK(withBom.error().message.find("第 3 行的编码与前文不同") != std::string::npos);
}

TEST_CASE("UTF-8 rows pasted into a GBK file are refused, naming the first UTF-8 line") {
  // Before, the whole file was decoded as GBK and the pasted names were stored as mojibake.
  const std::string utf8Rows = "赵六,幸福街道总工会,汉族\r\n";
  for (const Encoding encoding : {Encoding::Auto, Encoding::Gbk}) {
    auto decoded = decodeText(kGbkRoster + kGbkRoster + utf8Rows + kGbkRoster, encoding);
    REQUIRE_FALSE(decoded);
    CHECK(decoded.error().message.find("第 5 行的编码与前文不同（GBK/UTF-8 混用）") != std::string::npos);
    CHECK(decoded.error().message.find("line 1 is GBK, line 5 is UTF-8") != std::string::npos);
  }
  // Even a short UTF-8 name alone on its line is told apart from GBK.
  CHECK_FALSE(decodeText(kGbkRoster + "张三,001\r\n", Encoding::Auto));
  auto onlyUtf8 = decodeText(utf8Rows, Encoding::Gbk);
  REQUIRE_FALSE(onlyUtf8);
  CHECK(onlyUtf8.error().message.find("import it as utf-8") != std::string::npos);
}

TEST_CASE("GBK rosters of short names are not mistaken for mixed files") {
  // Names of two and three common characters, one to a line with ASCII cells, are where
  // GBK bytes most often happen to be valid UTF-8.
  const std::vector<std::string> chars = {
      "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
      "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于",
      "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "伟", "芳", "娜", "敏", "静", "丽", "强",
      "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "萍",
      "红", "鹏", "辉", "建", "国", "春", "兰", "喆", "堃", "淼", "犇", "燚", "翀", "昊", "晔", "璐", "彧", "骞", "婕",
  };
  std::string utf8;
  std::uint32_t state = 12345;
  const auto pick = [&] {
    state = state * 1103515245u + 12345u;
    return chars[(state >> 16) % chars.size()];
  };
  for (int i = 0; i < 20000; ++i) {
    utf8 += pick() + pick() + (i % 2 ? pick() : std::string()) + ",13800000000,2020-01-01\r\n";
  }
  auto decoded = decodeText(encodeText(utf8, Encoding::Gbk).value(), Encoding::Auto);
  REQUIRE_MESSAGE(decoded, decoded.error().message);
  CHECK(decoded->detected == Encoding::Gbk);
  CHECK(decoded->utf8 == utf8);
}

TEST_CASE("a UTF-16 file says how to save it instead") {
  auto decoded = decodeText("\xFF\xFE\x59\xD3", Encoding::Auto);
  REQUIRE_FALSE(decoded);
  CHECK(decoded.error().message.find("UTF-16") != std::string::npos);
}

TEST_CASE("line numbers count CR-only line ends") {
  auto bad = decodeText("a\rb\r\n\rx\xFF", Encoding::Gbk);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("(line 4)") != std::string::npos);
}

TEST_CASE("invalid GBK names offset and line") {
  const std::string big = repeat("\xD5\xC5\xC8\xFD,001\n", 10000);  // 9 bytes a line
  auto bad = decodeText(big + "x\xFF", Encoding::Gbk);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("byte offset 90001 (line 10001)") != std::string::npos);

  auto truncated = decodeText("ab\n\xD0", Encoding::Gbk);
  REQUIRE_FALSE(truncated);
  CHECK(truncated.error().message.find("byte offset 3 (line 2)") != std::string::npos);

  auto truncatedFourByte = decodeText("\xD0\xD5\x81\x39", Encoding::Gbk);
  REQUIRE_FALSE(truncatedFourByte);
  CHECK(truncatedFourByte.error().message.find("byte offset 2 (line 1)") != std::string::npos);

  CHECK_FALSE(decodeText("\xEF\xBB\xBFok", Encoding::Gbk));
}

TEST_CASE("auto mode reports text that is neither UTF-8 nor GBK") {
  auto decoded = decodeText("ok\n\x80\x80", Encoding::Auto);
  REQUIRE_FALSE(decoded);
  CHECK(decoded.error().message.find("neither UTF-8") != std::string::npos);
  CHECK(decoded.error().message.find("byte offset 3 (line 2)") != std::string::npos);
}

TEST_CASE("encodeText rejects invalid UTF-8") {
  auto encoded = encodeText("ok\n\xED\xA0\x80", Encoding::Gbk);
  REQUIRE_FALSE(encoded);
  CHECK(encoded.error().message.find("byte offset 3 (line 2)") != std::string::npos);
}
