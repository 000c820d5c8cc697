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
#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

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

// A small English-like corpus (6,000 bytes of 14 words, a sentence every 11) as corpus.txt in
// `dir`, for training tests.
inline QString writeWordCorpus(const QTemporaryDir& dir) {
  const char* words[] = {"the", "quick", "brown", "fox", "jumps", "over", "lazy",
                         "dog", "and",   "a",     "cat", "sat",   "on",   "mat"};
  QByteArray text;
  for (int i = 0; text.size() < 6000; ++i) {
    text += words[(i * 7 + i / 5) % 14];
    text += (i % 11 == 10) ? ".\n" : " ";
  }
  return writeFile(dir, "corpus.txt", text);
}

// `length` characters of `pieces` in an order drawn from `seed`.
inline std::u32string piecesText(std::initializer_list<const char32_t*> pieces,
                                 std::size_t length, uint64_t seed) {
  const std::vector<const char32_t*> all(pieces);
  std::mt19937_64 rng(seed);
  std::u32string text;
  while (text.size() < length) text += all[rng() % all.size()];
  text.resize(length);
  return text;
}

}  // namespace ui_test
