#include "gui/args.h"

#include <fmt/format.h>

#include <cstdlib>

namespace unionsync::gui {

std::string usage() {
  return "用法 / usage: unionsync-gui [--data DIR] [--view overview|orgs|members|activities|import|sync|conflicts|settings]\n"
         "                     [--lang zh|en] [--screenshot FILE.png] [--listen tcp://IP:PORT] [--discovery on|off]\n"
         "                     [--size WxH] [--search TEXT]\n"
         "  --data DIR          节点数据文件夹 / the node's data folder (default ~/.local/share/unionsync)\n"
         "  --view VIEW         打开的页面 / view to open\n"
         "  --lang zh|en        界面语言 / language\n"
         "  --screenshot FILE   渲染该页面，保存 PNG 后退出 / render the view, write a PNG, exit\n"
         "  --listen ADDRESS    同步监听地址 / sync listen address (default tcp://0.0.0.0:7400)\n"
         "  --discovery on|off  局域网发现（截图时默认关闭）/ LAN discovery (off by default with --screenshot)\n"
         "  --size WxH          窗口大小 / window size\n"
         "  --search TEXT       会员页的搜索词 / text typed into the member search\n";
}

std::expected<GuiArgs, std::string> parseArgs(const std::vector<std::string>& args) {
  GuiArgs out;
  auto bad = [](const std::string& what) { return std::unexpected(what); };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      out.help = true;
      continue;
    }
    const bool takesValue = a == "--data" || a == "--view" || a == "--lang" || a == "--screenshot" ||
                            a == "--listen" || a == "--discovery" || a == "--size" || a == "--search";
    if (!takesValue) return bad(fmt::format("未知参数 {} / unknown argument {}", a, a));
    if (i + 1 >= args.size()) return bad(fmt::format("{} 需要一个值 / {} needs a value", a, a));
    const std::string& v = args[++i];
    if (a == "--data") {
      out.dataDir = v;
    } else if (a == "--view") {
      out.view = viewFromName(v);
      if (!out.view) return bad(fmt::format("没有页面 {} / no view named {}", v, v));
    } else if (a == "--lang") {
      out.lang = langFromCode(v);
      if (!out.lang) return bad(fmt::format("语言应为 zh 或 en / --lang must be zh or en, not {}", v));
    } else if (a == "--search") {
      out.search = v;
    } else if (a == "--screenshot") {
      out.screenshot = v;
    } else if (a == "--discovery") {
      if (v != "on" && v != "off") return bad(fmt::format("--discovery 应为 on 或 off / --discovery must be on or off, not {}", v));
      out.discovery = v == "on";
    } else if (a == "--listen") {
      if (!v.starts_with("tcp://")) return bad(fmt::format("监听地址应为 tcp://IP:PORT / --listen must look like tcp://IP:PORT, not {}", v));
      out.listen = v;
    } else {
      int w = 0, h = 0;
      if (std::sscanf(v.c_str(), "%dx%d", &w, &h) != 2 || w < 640 || h < 480 || w > 16384 || h > 16384)
        return bad(fmt::format("窗口大小应为 宽x高，至少 640x480 / --size must be WxH, at least 640x480, not {}", v));
      out.width = w;
      out.height = h;
    }
  }
  if (out.dataDir.empty()) {
    const char* home = std::getenv("HOME");
    out.dataDir = std::string(home && *home ? home : ".") + "/.local/share/unionsync";
  }
  return out;
}

}  // namespace unionsync::gui
