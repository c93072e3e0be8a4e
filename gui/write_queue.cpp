#include "gui/write_queue.h"

namespace unionsync::gui {

WriteQueue::WriteQueue(std::function<void()> wake) : writes_(std::move(wake), TaskQueue::OnClose::Finish) {}

}  // namespace unionsync::gui
