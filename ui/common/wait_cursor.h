// WaitCursor: shows the wait cursor for its lifetime (QApplication's override cursor), around
// work that blocks the event loop, such as reading a model file or a corpus. Not copyable.
#pragma once

#include <QApplication>

class WaitCursor {
 public:
  WaitCursor() { QApplication::setOverrideCursor(Qt::WaitCursor); }
  ~WaitCursor() { QApplication::restoreOverrideCursor(); }
  WaitCursor(const WaitCursor&) = delete;
  WaitCursor& operator=(const WaitCursor&) = delete;
};
