#include "gui/args.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/data_dir.h"

namespace unionsync::gui {

std::string usage() {
  // The view names from the one table of views, so a new view is listed without an edit here.
  std::string views;
  for (const NavEntry& e : navTable()) views += fmt::format(" {}", e.name);
  return "用法 / usage: unionsync-gui [--data DIR] [--view VIEW]\n"
         "                     [--lang zh|en] [--screenshot FILE.png] [--listen tcp://IP:PORT] [--discovery on|off]\n"
         "                     [--size WxH] [--search TEXT] [--open ID] [--version]\n"
         "  --data DIR          节点数据文件夹 / the node's data folder (default $UNIONSYNC_DATA, else ~/.local/share/unionsync)\n"
         "  --view VIEW         打开的页面 / view to open:\n"
         "                     " + views + "\n"
         "  --lang zh|en        界面语言 / language\n"
         "  --screenshot FILE   渲染该页面，保存 PNG 后退出 / render the view, write a PNG, exit\n"
         "  --listen ADDRESS    同步监听地址 / sync listen address (default tcp://0.0.0.0:7400)\n"
         "  --discovery on|off  局域网发现（截图时默认关闭）/ LAN discovery (off by default with --screenshot)\n"
         "  --size WxH          窗口大小 / window size\n"
         "  --search TEXT       会员页的搜索词 / text typed into the member search\n"
         "  --open ID           打开该记录的侧栏（会员页、工会工作各页）/ open this record's side panel (members, union work views)\n"
         "  --version           显示程序、同步协议与存储格式的版本 / print the program, sync protocol and store format versions\n";
}

std::expected<GuiArgs, std::string> parseArgs(const std::vector<std::string>& args) {
  GuiArgs out;
  std::string view, lang, discovery, size, open;
  CLI::App cli{"unionsync-gui"};
  cli.set_help_flag();  // --help is ours: usage() is bilingual
  cli.add_flag("-h,--help", out.help);
  cli.add_flag("--version", out.version);
  cli.add_option("--data", out.dataDir);
  cli.add_option("--view", view);
  cli.add_option("--lang", lang);
  cli.add_option("--screenshot", out.screenshot);
  cli.add_option("--listen", out.listen);
  cli.add_option("--discovery", discovery);
  cli.add_option("--size", size);
  cli.add_option("--search", out.search);
  cli.add_option("--open", open);
  auto bad = [](const std::string& what) { return std::unexpected(what); };
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
    cli.parse(reversed);
  } catch (const CLI::ExtrasError&) {
    const std::string& first = cli.remaining().empty() ? std::string() : cli.remaining().front();
    return bad(fmt::format("未知参数 {} / unknown argument {}", first, first));
  } catch (const CLI::ParseError& e) {
    return bad(fmt::format("参数有误：{} / bad arguments: {}", e.what(), e.what()));
  }
  if (!view.empty() && !(out.view = viewFromName(view))) return bad(fmt::format("没有页面 {} / no view named {}", view, view));
  if (!lang.empty() && !(out.lang = langFromCode(lang)))
    return bad(fmt::format("语言应为 zh 或 en / --lang must be zh or en, not {}", lang));
  if (!discovery.empty()) {
    if (discovery != "on" && discovery != "off")
      return bad(fmt::format("--discovery 应为 on 或 off / --discovery must be on or off, not {}", discovery));
    out.discovery = discovery == "on";
  }
  if (!out.listen.empty() && !out.listen.starts_with("tcp://"))
    return bad(fmt::format("监听地址应为 tcp://IP:PORT / --listen must look like tcp://IP:PORT, not {}", out.listen));
  if (!size.empty()) {
    int w = 0, h = 0;
    char rest = 0;
    if (std::sscanf(size.c_str(), "%dx%d%c", &w, &h, &rest) != 2 || w < 640 || h < 480 || w > 16384 || h > 16384)
      return bad(fmt::format("窗口大小应为 宽x高，至少 640x480 / --size must be WxH, at least 640x480, not {}", size));
    out.width = w;
    out.height = h;
  }
  if (!open.empty() && !(out.open = RecordId::fromHex(open)))
    return bad(fmt::format("--open 应为 32 位记录编号 / --open must be a 32-hex record id, not {}", open));
  if (out.dataDir.empty()) out.dataDir = defaultDataDir();
  return out;
}

}  // namespace unionsync::gui
