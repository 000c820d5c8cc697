// cellscope: the desktop app's entry point. Usage: cellscope [model.csm [text]]
// Sets the organisation/application names QSettings uses, parses the command line
// (--help, --version, an optional model path and text to explore) and shows the MainWindow.
#include <QApplication>
#include <QCommandLineParser>
#include <QStringList>
#include <cstdio>

#include "main_window.h"

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
  parser.addPositionalArgument(QStringLiteral("model"),
                               QStringLiteral("A CellScope model file (.csm) to open at start."),
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

  MainWindow window(positional.value(0), positional.value(1));
  window.show();
  return QApplication::exec();
}
