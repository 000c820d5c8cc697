// Explorer export tests (pure functions, no window): the HTML parsed back span by span gives
// every character, colour and value of the input, with <>&" escaped; the CSV reads back to the
// same characters and values; the PNG has the expected colour inside a known cell; a write into
// a folder that cannot exist fails with a message naming the file and leaves nothing behind;
// the export dialog's suggested file name.
#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QFontDatabase>
#include <QImage>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <cmath>
#include <limits>

#include "common/color_map.h"
#include "explore/explorer_export.h"

namespace {

using explorer_export::ExportedText;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Every kind of character the formats must survive, one value each (some NaN, some out of range).
ExportedText sample() {
  ExportedText e;
  e.text = U"if (a < b && c > \"d\") {\n\treturn 'x', \\ é — 𝄞;\r\n}";
  for (std::size_t i = 0; i < e.text.size(); ++i) {
    const float v = i % 7 == 3 ? kNaN : std::sin(0.37f * static_cast<float>(i)) * 1.3f;
    e.values.push_back(v);
  }
  e.colorMap = colormap::ColorMap::forQuantity(cellscope::Quantity::kTanhCell);
  e.neuron.layer = 1;
  e.neuron.neuron = 37;
  e.neuron.quantity = cellscope::Quantity::kTanhCell;
  e.modelName = QStringLiteral("a<b>&\"model\".csm");
  e.source = QStringLiteral("source.c");
  return e;
}

QString glyphFor(char32_t cp) {
  if (cp == U'\n') return QStringLiteral("\u21b5");
  if (cp == U'\t') return QStringLiteral("\u2192");
  if (cp < 0x20) return QStringLiteral("\u00b7");
  return QString::fromUcs4(&cp, 1);
}

QString unescapeHtml(QString s) {
  s.replace(QStringLiteral("&lt;"), QStringLiteral("<"));
  s.replace(QStringLiteral("&gt;"), QStringLiteral(">"));
  s.replace(QStringLiteral("&quot;"), QStringLiteral("\""));
  s.replace(QStringLiteral("&#39;"), QStringLiteral("'"));
  s.replace(QStringLiteral("&amp;"), QStringLiteral("&"));
  return s;
}

void expectSameValue(float expected, float actual, std::size_t i) {
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << i;
  } else {
    EXPECT_EQ(expected, actual) << i;  // exact: the shortest form round-trips
  }
}

}  // namespace

TEST(ExportTest, FormatsValuesExactly) {
  for (const float v : {0.0f, -1.0f, 0.1f, 1e-7f, -0.33333334f, 1.5e30f}) {
    EXPECT_EQ(explorer_export::formatValue(v).toFloat(), v);
  }
  EXPECT_TRUE(explorer_export::formatValue(kNaN).isEmpty());
  EXPECT_EQ(explorer_export::describeNeuron(sample().neuron),
            QStringLiteral("layer 1 · neuron 37 · tanh-cell"));
}

TEST(ExportTest, HtmlRoundTripsCharactersColoursAndValues) {
  const ExportedText e = sample();
  const QString html = QString::fromUtf8(explorer_export::toHtml(e));
  EXPECT_TRUE(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
  EXPECT_TRUE(html.contains(QStringLiteral("<meta charset=\"utf-8\">")));
  EXPECT_FALSE(html.contains(QStringLiteral("<script")));
  EXPECT_TRUE(html.contains(QStringLiteral("a&lt;b&gt;&amp;&quot;model&quot;.csm")));
  EXPECT_FALSE(html.contains(QStringLiteral("a<b>")));
  EXPECT_TRUE(html.contains(QStringLiteral("layer 1 · neuron 37 · tanh-cell")));
  EXPECT_TRUE(html.contains(QStringLiteral("class=\"legend\"")));

  const int pre = html.indexOf(QStringLiteral("<pre>"));
  const int preEnd = html.indexOf(QStringLiteral("</pre>"));
  ASSERT_GT(pre, 0);
  ASSERT_GT(preEnd, pre);
  const QString body = html.mid(pre + 5, preEnd - pre - 5);
  static const QRegularExpression span(QStringLiteral(
      "<span(?: style=\"background:(#[0-9a-f]{6})(;color:#fff)?\")? title=\"([^\"]*)\">"
      "([^<]*)</span>(\\n?)"));
  std::size_t i = 0;
  int consumed = 0;
  for (auto it = span.globalMatch(body); it.hasNext(); ++i) {
    const QRegularExpressionMatch m = it.next();
    ASSERT_LT(i, e.text.size());
    EXPECT_EQ(m.capturedStart(), consumed) << "stray text before span " << i;
    consumed = m.capturedEnd();
    const char32_t cp = e.text[i];
    EXPECT_EQ(unescapeHtml(m.captured(4)), glyphFor(cp)) << i;
    EXPECT_EQ(m.captured(5).isEmpty(), cp != U'\n') << "a real line break after ↵ only: " << i;
    const float v = e.values[i];
    EXPECT_EQ(m.captured(1), explorer_export::colorName(e.colorMap, v)) << i;
    if (std::isnan(v)) {
      EXPECT_TRUE(m.captured(1).isEmpty()) << i;
      EXPECT_EQ(m.captured(3), QStringLiteral("no value")) << i;
    } else {
      EXPECT_EQ(m.captured(2).isEmpty(), colormap::textOn(e.colorMap.color(v)) != Qt::white);
      expectSameValue(v, m.captured(3).toFloat(), i);
    }
  }
  EXPECT_EQ(i, e.text.size());
  EXPECT_EQ(consumed, body.size());
}

// Reads back the CSV written by toCsv (RFC 4180 quoting, \n \r \t \\ escapes).
struct CsvRow {
  qulonglong position = 0;
  char32_t character = 0;
  float value = 0.0f;
};

std::vector<CsvRow> parseCsv(const QString& csv, QString* comment, QString* header) {
  std::vector<CsvRow> rows;
  QStringList lines = csv.split(QLatin1Char('\n'));
  EXPECT_TRUE(lines.last().isEmpty());  // ends with a newline
  lines.removeLast();
  *comment = lines.takeFirst();
  *header = lines.takeFirst();
  for (const QString& line : lines) {
    CsvRow row;
    const int comma = line.indexOf(QLatin1Char(','));
    row.position = line.left(comma).toULongLong();
    QString rest = line.mid(comma + 1);
    QString field;
    if (rest.startsWith(QLatin1Char('"'))) {
      int k = 1;
      for (; k < rest.size(); ++k) {
        if (rest[k] == QLatin1Char('"')) {
          if (k + 1 < rest.size() && rest[k + 1] == QLatin1Char('"')) {
            field += QLatin1Char('"');
            ++k;
          } else {
            break;
          }
        } else {
          field += rest[k];
        }
      }
      rest = rest.mid(k + 1);
    } else {
      const int next = rest.lastIndexOf(QLatin1Char(','));
      field = rest.left(next);
      rest = rest.mid(next);
      if (field == QStringLiteral("\\n")) field = QStringLiteral("\n");
      if (field == QStringLiteral("\\r")) field = QStringLiteral("\r");
      if (field == QStringLiteral("\\t")) field = QStringLiteral("\t");
      if (field == QStringLiteral("\\\\")) field = QStringLiteral("\\");
    }
    EXPECT_TRUE(rest.startsWith(QLatin1Char(','))) << line.toStdString();
    const QString value = rest.mid(1);
    row.value = value.isEmpty() ? kNaN : value.toFloat();
    const std::u32string cps = field.toStdU32String();
    EXPECT_EQ(cps.size(), 1u) << line.toStdString();
    row.character = cps.empty() ? 0 : cps[0];
    rows.push_back(row);
  }
  return rows;
}

TEST(ExportTest, CsvRoundTrips) {
  const ExportedText e = sample();
  const QString csv = QString::fromUtf8(explorer_export::toCsv(e));
  QString comment, header;
  const std::vector<CsvRow> rows = parseCsv(csv, &comment, &header);
  EXPECT_TRUE(comment.startsWith(
      QStringLiteral("# layer=1 neuron=37 quantity=tanh-cell model=a<b>&\"model\".csm")))
      << comment.toStdString();
  EXPECT_EQ(header, QStringLiteral("position,character,value"));
  ASSERT_EQ(rows.size(), e.text.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].position, i);
    EXPECT_EQ(rows[i].character, e.text[i]) << i;
    expectSameValue(e.values[i], rows[i].value, i);
  }
  EXPECT_TRUE(csv.contains(QStringLiteral("\n1,\"\"\"\",")) ||
              csv.contains(QStringLiteral(",\"\"\"\",")));  // a quote is quoted and doubled
  EXPECT_TRUE(csv.contains(QStringLiteral(",\\n,")));       // newline as \n
}

TEST(ExportTest, PngHasTheCellColours) {
  ExportedText e;
  e.text = U"ab\ncd";
  e.values = {1.0f, -1.0f, 0.0f, kNaN, 0.5f};
  e.colorMap = colormap::ColorMap::forQuantity(cellscope::Quantity::kHidden);
  e.modelName = QStringLiteral("tiny.csm");
  explorer_export::ImageOptions options;
  options.font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  options.columns = 10;
  options.devicePixelRatio = 2.0;
  const explorer_export::RenderedImage rendered = explorer_export::renderImage(e, options);
  ASSERT_FALSE(rendered.image.isNull());
  EXPECT_EQ(rendered.count, e.text.size());
  EXPECT_FALSE(rendered.truncated);

  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString path = dir.filePath(QStringLiteral("out.png"));
  QString error;
  ASSERT_TRUE(explorer_export::writePng(path, rendered.image, &error)) << error.toStdString();
  const QImage loaded(path);
  ASSERT_FALSE(loaded.isNull());
  EXPECT_EQ(loaded.size(), rendered.image.size());  // drawn at ratio 2

  const std::vector<QPoint> grid = explorer_export::ImageLayout::gridPositions(e.text, 10);
  ASSERT_EQ(grid.size(), 5u);
  EXPECT_EQ(grid[3], QPoint(0, 1));  // after the newline's own cell, a new line
  const qreal ratio = rendered.image.devicePixelRatio();
  const auto pixelIn = [&](int index) {
    const QRect cell = rendered.layout.cellRect(grid[static_cast<std::size_t>(index)]);
    // One pixel inside the cell's top-left corner: background, never glyph ink.
    return QColor(
        loaded.pixel(qRound((cell.left() + 1) * ratio), qRound((cell.top() + 1) * ratio)));
  };
  EXPECT_EQ(pixelIn(0), QColor(colormap::kPositive));
  EXPECT_EQ(pixelIn(1), QColor(colormap::kNegative));
  EXPECT_EQ(pixelIn(2), QColor(colormap::kNeutral));
  EXPECT_EQ(pixelIn(3), QColor(Qt::white));  // NaN: no colour
  EXPECT_EQ(pixelIn(4), e.colorMap.color(0.5));
}

TEST(ExportTest, FailedWriteNamesTheFileAndLeavesNothing) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  // A "folder" that is a regular file: not writable even for root.
  QFile blocker(dir.filePath(QStringLiteral("blocker")));
  ASSERT_TRUE(blocker.open(QIODevice::WriteOnly));
  blocker.close();
  const QString path = dir.filePath(QStringLiteral("blocker/out.html"));
  QString error;
  EXPECT_FALSE(explorer_export::writeAtomically(path, "<html></html>", &error));
  EXPECT_TRUE(error.contains(path)) << error.toStdString();
  EXPECT_FALSE(QFile::exists(path));

  const QString missing = dir.filePath(QStringLiteral("no/such/folder/out.png"));
  EXPECT_FALSE(explorer_export::writePng(missing, QImage(4, 4, QImage::Format_RGB32), &error));
  EXPECT_TRUE(error.contains(missing)) << error.toStdString();
  EXPECT_EQ(QDir(dir.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries),
            QStringList{QStringLiteral("blocker")});
}

TEST(ExportTest, SuggestedFileNamesTheTextAndTheNeuron) {
  using explorer_export::Format;
  NeuronSelection neuron;
  neuron.layer = 1;
  neuron.neuron = 37;
  EXPECT_EQ(explorer_export::suggestedPath(QStringLiteral("/src/ring buffer (copy).c"), neuron,
                                           Format::kHtml, QStringLiteral("/out")),
            QStringLiteral("/out/ring-buffer-copy--L1N37.html"));
  EXPECT_EQ(explorer_export::suggestedPath(QStringLiteral("Pasted text"), neuron, Format::kPng,
                                           QStringLiteral("/out")),
            QStringLiteral("/out/Pasted-text-L1N37.png"));
  EXPECT_EQ(explorer_export::suggestedPath(QString(), neuron, Format::kCsv, QString()),
            QDir::home().filePath(QStringLiteral("text-L1N37.csv")));
  for (const Format format : explorer_export::kFormats) {
    const QString suffix = explorer_export::suffix(format);
    EXPECT_TRUE(explorer_export::fileFilter(format).contains(QStringLiteral("(*.") + suffix + ')'))
        << suffix.toStdString();
  }
}
