// cellscope-explorer-bench: the explorer's speed on a large text, measured through the real
// ExplorerPane (worker thread, cache, view) on the offscreen platform. Prints key=value lines:
// time to the first coloured screen, to the end of the pass, recolour latency after a neuron
// change (text start: cached; middle: replayed), and paint time per frame of the text view.
// Usage: cellscope-explorer-bench MODEL.csm TEXT [--chars N] [--changes K]
#include <QApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTextStream>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/activation_text_view.h"
#include "checkpoint.h"
#include "explore/explorer_export.h"
#include "explore/explorer_pane.h"

namespace {

bool visibleColoured(const ExplorerPane& pane) {
  const auto [begin, end] = pane.view()->visibleRange();
  if (end <= begin) return false;
  for (int i = begin; i < end; ++i) {
    if (std::isnan(pane.values()[static_cast<std::size_t>(i)])) return false;
  }
  return true;
}

// Runs the event loop until `done` or `timeoutMs`; returns the elapsed milliseconds (-1: timeout).
template <typename Done>
double waitMs(Done done, int timeoutMs = 600000) {
  QElapsedTimer timer;
  timer.start();
  while (!done()) {
    if (timer.elapsed() > timeoutMs) return -1.0;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
  }
  return static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

void print(const char* key, double value) {
  std::printf("%s=%.1f\n", key, value);
  std::fflush(stdout);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM",
          qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
  QApplication app(argc, argv);
  const QStringList args = app.arguments();
  if (args.size() < 3) {
    std::fprintf(stderr,
                 "usage: cellscope-explorer-bench MODEL.csm TEXT [--chars N] [--changes K]\n");
    return 2;
  }
  long long chars = 1000000;
  int changes = 20;
  for (int i = 3; i + 1 < args.size(); i += 2) {
    if (args[i] == QLatin1String("--chars")) chars = args[i + 1].toLongLong();
    if (args[i] == QLatin1String("--changes")) changes = args[i + 1].toInt();
  }
  cellscope::ModelFile model;
  std::string source;
  try {
    model = cellscope::load_model_file(args[1].toStdString());
    std::ifstream in(args[2].toStdString(), std::ios::binary);
    source.assign(std::istreambuf_iterator<char>(in), {});
    if (source.empty()) throw std::runtime_error(args[2].toStdString() + ": empty or unreadable");
  } catch (const std::exception& error) {
    std::fprintf(stderr, "cellscope-explorer-bench: %s\n", error.what());
    return 1;
  }
  // The text: the source repeated and cut to `chars` bytes (at a UTF-8 boundary).
  std::string text;
  while (static_cast<long long>(text.size()) < chars) text += source;
  std::size_t cut = static_cast<std::size_t>(chars);
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("bench.txt"));
  std::ofstream(path.toStdString(), std::ios::binary) << text;

  ExplorerPane pane;
  pane.resize(1400, 900);
  pane.show();
  pane.setModel(model);
  std::printf("model=%s layers=%d hidden=%d chars=%zu\n", args[1].toUtf8().constData(),
              model.model.num_layers, model.model.hidden_size, text.size());

  QElapsedTimer open;
  open.start();
  pane.openText(path);
  const double firstScreen =
      waitMs([&] { return pane.view()->size() > 0 && visibleColoured(pane); });
  print("first_screen_ms", firstScreen);
  const auto [vb, ve] = pane.view()->visibleRange();
  std::printf("visible_chars=%d\n", ve - vb);
  waitMs([&] { return !pane.isProbing(); });
  print("pass_ms", static_cast<double>(open.elapsed()));
  waitMs([&] { return pane.isColoured(); });
  print("all_coloured_ms", static_cast<double>(open.elapsed()));

  // Recolour: step the neuron, wait until the visible part shows the new neuron.
  int arrivals = 0;
  QObject::connect(&pane, &ExplorerPane::valuesChanged, [&] { ++arrivals; });
  const auto recolour = [&](const char* key) {
    std::vector<double> times;
    for (int k = 0; k < changes; ++k) {
      const int before = arrivals;
      pane.stepNeuron(1);
      times.push_back(waitMs([&] { return arrivals > before && visibleColoured(pane); }));
      // A user's pause between two neurons: 150 ms (the worker goes on filling the rest).
      QElapsedTimer pause;
      pause.start();
      waitMs([&] { return pause.elapsed() >= 150; });
    }
    print(key, median(times));
    std::printf("%s_max=%.1f\n", key, *std::max_element(times.begin(), times.end()));
  };
  recolour("recolour_start_median_ms");
  waitMs([&] { return pane.isColoured(); });

  // Export of the whole coloured text (HTML, CSV) and of the view's part as PNG.
  for (const auto format : explorer_export::kFormats) {
    const QString out = dir.filePath(QStringLiteral("export.") + explorer_export::suffix(format));
    QElapsedTimer timer;
    timer.start();
    const bool ok =
        explorer_export::exportPane(nullptr, pane, format, out, QStringLiteral("bench"));
    std::printf("export_%s_ms=%.1f ok=%d bytes=%lld\n", qPrintable(explorer_export::suffix(format)),
                static_cast<double>(timer.nsecsElapsed()) / 1e6, ok ? 1 : 0,
                static_cast<long long>(QFileInfo(out).size()));
  }

  // Paint: repaint the viewport, still and while scrolling a page at a time.
  ActivationTextView* view = pane.view();
  QElapsedTimer paint;
  paint.start();
  constexpr int kFrames = 50;
  for (int f = 0; f < kFrames; ++f) view->viewport()->repaint();
  print("paint_frame_ms", static_cast<double>(paint.nsecsElapsed()) / 1e6 / kFrames);
  paint.restart();
  QScrollBar* bar = view->verticalScrollBar();
  for (int f = 0; f < kFrames; ++f) {
    bar->setValue(bar->value() + bar->pageStep());
    view->viewport()->repaint();
  }
  print("scroll_frame_ms", static_cast<double>(paint.nsecsElapsed()) / 1e6 / kFrames);

  // The middle of the text (beyond what the cache kept during the pass). A change at once after
  // the jump replays the visible blocks; after a pause the worker has cached them.
  const auto pauseMs = [&](int ms) {
    QElapsedTimer pause;
    pause.start();
    waitMs([&] { return pause.elapsed() >= ms; });
  };
  bar->setValue(bar->maximum() / 2);
  {
    const int before = arrivals;
    pane.stepNeuron(1);
    print("recolour_right_after_jump_ms",
          waitMs([&] { return arrivals > before && visibleColoured(pane); }));
  }
  bar->setValue(bar->maximum() / 2 + 5 * bar->pageStep());
  pauseMs(300);
  recolour("recolour_middle_median_ms");
  return 0;
}
