// cellscope: the desktop app's entry point. Usage: cellscope [--neuron L:N] [--quantity Q]
// [model.csm [text]]. Sets the organisation/application names QSettings uses, parses the
// command line (a bad value: a message on stderr and exit status 2) and shows the MainWindow.
// The engine's pool gets every core, as cellscope-cli's default --threads 0 does.
#include <QApplication>
#include <QCommandLineParser>
#include <QStringList>
#include <cstdio>

#include "shell/main_window.h"
#include "shell/neuron_override.h"
#include "threads.h"

int main(int argc, char* argv[]) {
  QCoreApplication::setOrganizationName(QStringLiteral("CellScope"));
  QCoreApplication::setApplicationName(QStringLiteral("CellScope"));
  QCoreApplication::setApplicationVersion(MainWindow::version());
  QApplication app(argc, argv);

  QCommandLineParser parser;
  parser.setApplicationDescription(
      QStringLiteral("CellScope: a desktop lab for character-level RNNs."));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption neuronOption(
      QStringLiteral("neuron"),
      QStringLiteral("Colour the text by neuron N of layer L (both from 0), e.g. 1:37."),
      QStringLiteral("L:N"));
  const QCommandLineOption quantityOption(
      QStringLiteral("quantity"),
      QStringLiteral("The neuron's quantity: cell, tanh-cell, hidden, or a gate (input, forget, "
                     "output, candidate, update, reset)."),
      QStringLiteral("Q"));
  parser.addOption(neuronOption);
  parser.addOption(quantityOption);
  parser.addPositionalArgument(QStringLiteral("model"),
                               QStringLiteral("A model to open at start: a CellScope .csm file, or a PyTorch "
                                              "state_dict in .safetensors (imported first). "
                                              "Without one, the last model and text are "
                                              "reopened, else the first Help → Examples entry."),
                               QStringLiteral("[model]"));
  parser.addPositionalArgument(QStringLiteral("text"),
                               QStringLiteral("A UTF-8 text to explore with the model."),
                               QStringLiteral("[text]"));
  parser.process(app);  // exits on --help, --version, or an unknown option

  const QStringList positional = parser.positionalArguments();
  if (positional.size() > 2) {
    std::fprintf(stderr, "cellscope: expected a model file and a text at most, got %lld\n\n",
                 static_cast<long long>(positional.size()));
    parser.showHelp(2);
  }

  NeuronOverride neuron;
  QString error;
  if (!parseNeuronOverride(parser.value(neuronOption), parser.value(quantityOption), &neuron,
                           &error)) {
    std::fprintf(stderr, "cellscope: %s\n", qPrintable(error));
    return 2;
  }

  // Training then runs as fast (and rounds the same) as `cellscope-cli train`; the batch-1 paths
  // of the explorer and the generator choose one thread or two per call by time, same bits.
  cellscope::set_thread_count(0);

  MainWindow window(positional.value(0), positional.value(1));
  window.setNeuronOverride(neuron);
  if (positional.isEmpty()) window.openAtStart();
  window.show();
  return QApplication::exec();
}
