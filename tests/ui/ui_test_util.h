// Helpers shared by the widget tests. QTRY_* macros report to QTest, which GoogleTest does not
// see (a timeout would only return from the test, silently passing it): wait with
// QTest::qWaitFor and assert with GoogleTest instead, e.g. ASSERT_TRUE(waitFor([&] { ... })).
#pragma once

#include <gtest/gtest.h>

#include <QApplication>
#include <QByteArray>
#include <QFile>
#include <QMessageBox>
#include <QString>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

namespace ui_test {

constexpr int kWaitMs = 5000;

// Sanitizer builds run 3-15x slower: the asan and tsan presets set CELLSCOPE_TEST_TIME_SCALE in
// the environment (and the CMake cache variable of that name, which stretches ctest's timeout),
// and every wait here is stretched by it.
inline int timeScale() {
  static const int scale = [] {
    bool ok = false;
    const int s = qEnvironmentVariableIntValue("CELLSCOPE_TEST_TIME_SCALE", &ok);
    return ok && s > 1 ? s : 1;
  }();
  return scale;
}

template <typename Condition>
bool waitFor(Condition condition, int timeoutMs = kWaitMs) {
  return QTest::qWaitFor(condition, timeoutMs * timeScale());
}

// Watches for the next modal QMessageBox (QMessageBox::critical runs its own event loop),
// records what it says and closes it.
class MessageBoxCatcher {
 public:
  MessageBoxCatcher() {
    timer_.setInterval(10);
    QObject::connect(&timer_, &QTimer::timeout, [this] {
      auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
      if (box == nullptr) return;
      seen_ = true;
      icon_ = box->icon();
      text_ = box->text();
      box->done(QMessageBox::Ok);
    });
    timer_.start();
  }
  bool seen() const { return seen_; }
  QMessageBox::Icon icon() const { return icon_; }
  QString text() const { return text_; }

 private:
  QTimer timer_;
  bool seen_ = false;
  QMessageBox::Icon icon_ = QMessageBox::NoIcon;
  QString text_;
};

// Writes `bytes` to `name` inside `dir` and returns the path (a failed open fails the test).
inline QString writeFile(const QTemporaryDir& dir, const char* name, const QByteArray& bytes) {
  const QString path = dir.filePath(QString::fromLatin1(name));
  QFile file(path);
  EXPECT_TRUE(file.open(QIODevice::WriteOnly));
  file.write(bytes);
  return path;
}

}  // namespace ui_test
