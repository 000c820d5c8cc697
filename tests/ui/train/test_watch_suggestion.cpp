// Train-tab watch defaults chosen from the corpus (watch_suggestion.h): a detector is watched
// only when it marks between 0.5% and 60% of the probe text; verse with no URL, quote or
// bracket gets line-position; prose with URLs and quotes gets url and double-quote; C gets its
// comment, if and string detectors; the form shows the shares and leaves a user's list alone.
// Corpora are written by each test in its own temp dir.
#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QTemporaryDir>
#include <string>

#include "train/training_form.h"
#include "train/watch_suggestion.h"
#include "ui_test_util.h"

namespace {

using ui_test::waitFor;

const QStringList kProse = watchCandidates({QStringLiteral("/books/novel.txt")});

std::u32string repeat(const std::u32string& unit, int times) {
  std::u32string out;
  for (int i = 0; i < times; ++i) out += unit;
  return out;
}

// Shakespeare's shape: speakers, verse, apostrophes inside words; no URL, quote or bracket.
const std::u32string kVerse = repeat(
    U"ROMEO:\nBut soft, what light through yonder window breaks?\nIt is the east, and Juliet "
    U"is the sun.\n\nJULIET:\nO Romeo, Romeo! wherefore art thou Romeo?\nI'll deny thy "
    U"father, 'tis but thy name.\n\n",
    40);

// FOLDOC's shape: a URL and a quoted phrase in most entries.
const std::u32string kGlossary = repeat(
    U"byte\n\n   A unit of memory, usually 8 bits, \"the smallest addressable unit\" on most "
    U"machines. See http://www.example.org/byte.html for more.\n\n",
    40);

TEST(WatchSuggestion, VerseWithoutUrlsOrQuotesFallsBackToLinePosition) {
  const WatchSuggestion s = suggestWatch(kVerse, kProse);
  EXPECT_EQ(s.detectors, QStringList{QStringLiteral("line-position")});
  EXPECT_TRUE(s.reason.contains(QStringLiteral("url 0.0%"))) << s.reason.toStdString();
  EXPECT_TRUE(s.reason.contains(QStringLiteral("double-quote 0.0%"))) << s.reason.toStdString();
}

TEST(WatchSuggestion, ProseWithUrlsAndQuotesWatchesThem) {
  const WatchSuggestion s = suggestWatch(kGlossary, kProse);
  ASSERT_GE(s.detectors.size(), 2);
  EXPECT_EQ(s.detectors[0], QStringLiteral("url"));
  EXPECT_EQ(s.detectors[1], QStringLiteral("double-quote"));
  EXPECT_LE(s.detectors.size(), kMaxSuggestedWatch);
  EXPECT_FALSE(s.detectors.contains(QStringLiteral("if-condition")));  // no C in it
}

TEST(WatchSuggestion, ADetectorMarkingMostOfTheTextIsLeftOut) {
  // One quote opened at the start and never closed (no blank line): inside nearly everywhere.
  const std::u32string text = U"\"" + repeat(U"an endless speech, see http://a.org/x then ", 50);
  const WatchSuggestion s = suggestWatch(text, kProse);
  EXPECT_FALSE(s.detectors.contains(QStringLiteral("double-quote")));
  EXPECT_TRUE(s.detectors.contains(QStringLiteral("url")));
}

TEST(WatchSuggestion, CodeGetsCommentIfAndStringDetectors) {
  const QStringList c = watchCandidates({QStringLiteral("/src/ring.c")});
  ASSERT_GE(c.size(), 3);
  EXPECT_EQ(c.mid(0, 3), (QStringList{QStringLiteral("c-comment"), QStringLiteral("if-condition"),
                                      QStringLiteral("string-literal")}));
  EXPECT_EQ(watchCandidates({QStringLiteral("paper.tex")}).first(), QStringLiteral("latex-env"));
  const std::u32string code = repeat(
      U"/* count the entries */\nif (n > 0 && buf[n] != 0) {\n\tprintf(\"%d items\\n\", n);\n}\n",
      30);
  EXPECT_EQ(suggestWatch(code, c).detectors, c.mid(0, 3));
  EXPECT_EQ(suggestWatch(std::u32string(), c).detectors, c.mid(0, 3));  // nothing to measure
}

TEST(WatchSuggestion, TheProbeIsTheStartOfTheValidationSplit) {
  QTemporaryDir tmp;
  ASSERT_TRUE(tmp.isValid());
  const QString path = QDir(tmp.path()).filePath(QStringLiteral("c.txt"));
  QFile file(path);
  ASSERT_TRUE(file.open(QIODevice::WriteOnly));
  file.write(QByteArray(900, 'a') + QByteArray(100, 'b'));
  file.close();
  EXPECT_EQ(watchProbeOfCorpus({path}, QStringLiteral("*"), 0.1), std::u32string(100, U'b'));
  EXPECT_EQ(watchProbeOfCorpus({path}, QStringLiteral("*"), 0.1, 30), std::u32string(30, U'b'));
}

void writeUtf8(const QString& path, const std::u32string& text) {
  QFile file(path);
  ASSERT_TRUE(file.open(QIODevice::WriteOnly));
  file.write(QString::fromStdU32String(text).toUtf8());
}

TEST(WatchSuggestion, TheFormChoosesFromTheCorpusAndSaysWhy) {
  QTemporaryDir tmp;
  ASSERT_TRUE(tmp.isValid());
  const QString verse = QDir(tmp.path()).filePath(QStringLiteral("verse.txt"));
  const QString glossary = QDir(tmp.path()).filePath(QStringLiteral("glossary.txt"));
  writeUtf8(verse, kVerse);
  writeUtf8(glossary, kGlossary);
  TrainingForm form;
  auto* corpus = form.findChild<QLineEdit*>(QStringLiteral("corpusEdit"));
  ASSERT_NE(corpus, nullptr);
  corpus->setText(verse);
  ASSERT_TRUE(waitFor([&] { return !form.watchSuggestionPending(); }, 20000));
  EXPECT_EQ(form.settings().watchDetectors, QStringList{QStringLiteral("line-position")});
  EXPECT_TRUE(form.watchReasonLabel()->text().contains(QStringLiteral("url 0.0%")))
      << form.watchReasonLabel()->text().toStdString();

  corpus->setText(glossary);  // still the corpus' choice: it follows
  ASSERT_TRUE(waitFor([&] { return !form.watchSuggestionPending(); }, 20000));
  EXPECT_EQ(form.settings().watchDetectors.mid(0, 2),
            (QStringList{QStringLiteral("url"), QStringLiteral("double-quote")}));

  form.watchEdit()->setText(QStringLiteral("regex:TODO"));  // the user's choice stays
  corpus->setText(verse);
  ASSERT_TRUE(waitFor([&] { return !form.watchSuggestionPending(); }, 20000));
  EXPECT_EQ(form.settings().watchDetectors, QStringList{QStringLiteral("regex:TODO")});

  form.watchEdit()->setText(TrainingSettings().watchDetectors.join(QStringLiteral(", ")));
  corpus->setText(QDir(tmp.path()).filePath(QStringLiteral("missing.txt")));
  ASSERT_TRUE(waitFor([&] { return !form.watchSuggestionPending(); }, 20000));
  EXPECT_TRUE(form.watchReasonLabel()->text().contains(QStringLiteral("missing.txt")))
      << form.watchReasonLabel()->text().toStdString();
}

}  // namespace
