// ExplorerPane: the worker lives on thread_ and is only reached through queued calls carrying
// the text id; answers for another id or another neuron than the selected one are dropped. One
// hover request is in flight at a time; when it returns, the latest hovered character is asked.
#include "explorer_pane.h"

#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "activation_text_view.h"
#include "checkpoint.h"
#include "color_map.h"
#include "neuron_selector.h"
#include "vocabulary.h"

namespace {

bool sameNeuron(const NeuronSelection& a, const NeuronSelection& b) {
  return a.layer == b.layer && a.neuron == b.neuron && a.quantity == b.quantity;
}

QString swatch(QRgb rgb) {
  return QStringLiteral("<span style=\"background-color:%1\">&nbsp;&nbsp;&nbsp;</span>")
      .arg(QColor(rgb).name());
}

}  // namespace

ExplorerPane::ExplorerPane(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("explorerPane"));

  openButton_ = new QPushButton(tr("Open Text…"));
  openButton_->setObjectName(QStringLiteral("openTextButton"));
  connect(openButton_, &QPushButton::clicked, this, &ExplorerPane::chooseText);
  pathLabel_ = new QLabel(tr("No text"));
  pathLabel_->setObjectName(QStringLiteral("textPathLabel"));
  progressBar_ = new QProgressBar;
  progressBar_->setObjectName(QStringLiteral("probeProgress"));
  progressBar_->setRange(0, 1000);
  progressBar_->setTextVisible(true);
  progressBar_->setFormat(tr("Probing %p%"));
  progressBar_->setVisible(false);

  selector_ = new NeuronSelector(QStringLiteral("explorer"));
  legendLabel_ = new QLabel;
  legendLabel_->setObjectName(QStringLiteral("explorerLegend"));
  legendLabel_->setTextFormat(Qt::RichText);

  auto* top = new QHBoxLayout;
  top->addWidget(openButton_);
  top->addWidget(pathLabel_, 1);
  top->addWidget(progressBar_);
  top->addWidget(selector_);
  top->addWidget(legendLabel_);

  view_ = new ActivationTextView;
  view_->setObjectName(QStringLiteral("explorerView"));
  view_->setFocusPolicy(Qt::StrongFocus);
  view_->installEventFilter(this);
  hoverLabel_ = new QLabel;
  hoverLabel_->setObjectName(QStringLiteral("explorerHoverLabel"));
  hoverLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(view_, 1);
  layout->addWidget(hoverLabel_);

  connect(selector_, &NeuronSelector::changed, this, &ExplorerPane::selectionChanged);
  connect(view_, &ActivationTextView::characterHovered, this, [this](int index) {
    hovered_ = index;
    if (index < 0) {
      hoverLabel_->clear();
      QToolTip::hideText();
      return;
    }
    requestHover();
  });

  thread_ = new QThread(this);
  thread_->setObjectName(QStringLiteral("explorerThread"));
  worker_ = new ExplorerWorker;
  worker_->moveToThread(thread_);
  connect(worker_, &ExplorerWorker::textLoaded, this, &ExplorerPane::onTextLoaded);
  connect(worker_, &ExplorerWorker::progress, this, &ExplorerPane::onProgress);
  connect(worker_, &ExplorerWorker::trackReady, this, &ExplorerPane::onTrack);
  connect(worker_, &ExplorerWorker::probed, this, &ExplorerPane::onProbed);
  connect(worker_, &ExplorerWorker::hoverReady, this, &ExplorerPane::onHover);
  thread_->start();
  updateLegend();
}

ExplorerPane::~ExplorerPane() {
  worker_->want(0);
  thread_->quit();
  thread_->wait();
  delete worker_;  // its thread has ended: nothing else can touch it
}

void ExplorerPane::setModel(const cellscope::ModelFile& model) {
  auto slim = std::make_shared<cellscope::ModelFile>();
  slim->model = model.model;
  slim->vocabulary = model.vocabulary;
  slim->parameters = model.parameters;
  model_ = slim;
  ++textId_;
  worker_->want(textId_);  // stops a pass over the old model
  ExplorerWorker* worker = worker_;
  std::shared_ptr<const cellscope::ModelFile> file = model_;
  QMetaObject::invokeMethod(
      worker_, [worker, file] { worker->setModel(file); }, Qt::QueuedConnection);

  const cellscope::ModelConfig& config = model.model;
  selector_->setModel(config);
  updateLegend();
  probing_ = false;
  probed_ = false;
  coloured_ = false;
  if (!textPath_.isEmpty()) openText(textPath_);
}

void ExplorerPane::chooseText() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Text"), lastDir_,
                                                    tr("Text files (*.txt *.c *.h *.tex *.md);;"
                                                       "All files (*)"));
  if (!path.isEmpty()) openText(path);
}

void ExplorerPane::openText(const QString& path) {
  const QString absolutePath = QFileInfo(path).absoluteFilePath();
  lastDir_ = QFileInfo(absolutePath).absolutePath();
  if (!model_) {
    showError(tr("Cannot open %1: open a model first (File → Open Model…).").arg(absolutePath));
    return;
  }
  ++textId_;
  worker_->want(textId_);  // cancels the pass over the previous text
  probing_ = true;
  probed_ = false;
  coloured_ = false;
  hoverPending_ = false;
  progressBar_->setValue(0);
  progressBar_->setVisible(true);
  pathLabel_->setText(tr("Reading %1…").arg(QFileInfo(absolutePath).fileName()));
  const quint64 id = textId_;
  const NeuronSelection neuron = neuronSelection();
  ExplorerWorker* worker = worker_;
  QMetaObject::invokeMethod(
      worker_, [worker, id, absolutePath, neuron] { worker->openText(id, absolutePath, neuron); },
      Qt::QueuedConnection);
}

NeuronSelection ExplorerPane::neuronSelection() const {
  return selector_->selection();
}

void ExplorerPane::setNeuronSelection(const NeuronSelection& selection) {
  selector_->setSelection(selection);
}

void ExplorerPane::stepNeuron(int delta) {
  selector_->stepNeuron(delta);
}

void ExplorerPane::stepLayer(int delta) {
  selector_->stepLayer(delta);
}

bool ExplorerPane::eventFilter(QObject* watched, QEvent* event) {
  if (watched == view_ && event->type() == QEvent::KeyPress) {
    const auto* key = static_cast<QKeyEvent*>(event);
    switch (key->key()) {
      case Qt::Key_Right:
      case Qt::Key_BracketRight:
        stepNeuron(1);
        return true;
      case Qt::Key_Left:
      case Qt::Key_BracketLeft:
        stepNeuron(-1);
        return true;
      case Qt::Key_Up:
        stepLayer(-1);
        return true;
      case Qt::Key_Down:
        stepLayer(1);
        return true;
      default:
        break;
    }
  }
  return QWidget::eventFilter(watched, event);
}

void ExplorerPane::selectionChanged() {
  updateLegend();
  requestTrack();
}

void ExplorerPane::requestTrack() {
  if (!probed_) return;  // the pass in flight records the selection it started with
  coloured_ = false;
  const quint64 id = textId_;
  const NeuronSelection neuron = neuronSelection();
  ExplorerWorker* worker = worker_;
  QMetaObject::invokeMethod(
      worker_, [worker, id, neuron] { worker->track(id, neuron); }, Qt::QueuedConnection);
}

void ExplorerPane::requestHover() {
  if (!probed_ || hovered_ < 0 || hoverPending_) return;
  hoverPending_ = true;
  const quint64 id = textId_;
  const int position = hovered_;
  const NeuronSelection neuron = neuronSelection();
  ExplorerWorker* worker = worker_;
  QMetaObject::invokeMethod(
      worker_, [worker, id, position, neuron] { worker->hover(id, position, neuron); },
      Qt::QueuedConnection);
}

void ExplorerPane::updateLegend() {
  const NeuronSelection sel = neuronSelection();
  const colormap::ColorMap map = colormap::ColorMap::forQuantity(sel.quantity, unboundedLimit_);
  view_->setColorMap(map);
  const QString what = QString::fromStdString(cellscope::to_string(sel.quantity));
  if (map.range == cellscope::QuantityRange::kUnit) {
    legendLabel_->setText(
        tr("%1: %2 0 … %3 1").arg(what, swatch(colormap::kNeutral), swatch(colormap::kDark)));
  } else {
    const QString limit = QString::number(map.upper(), 'g', 3);
    legendLabel_->setText(tr("%1: %2 −%3 … %4 0 … %5 +%3")
                              .arg(what, swatch(colormap::kNegative), limit,
                                   swatch(colormap::kNeutral), swatch(colormap::kPositive)));
  }
}

void ExplorerPane::showError(const QString& message) {
  QMessageBox::critical(this, tr("Cannot open text"), message);
}

void ExplorerPane::onTextLoaded(const ExplorerText& text) {
  if (text.textId != textId_) return;
  if (!text.error.isEmpty()) {
    probing_ = false;
    progressBar_->setVisible(false);
    pathLabel_->setText(textPath_.isEmpty() ? tr("No text") : textPath_);
    emit probingFinished();
    showError(text.error);
    return;
  }
  textPath_ = text.path;
  view_->setText(text.text);
  hovered_ = -1;
  hoverLabel_->clear();
  QString label = text.path;
  if (text.unknown > 0)
    label += tr(" (%n character(s) unknown to the model)", nullptr, static_cast<int>(text.unknown));
  pathLabel_->setText(label);
}

void ExplorerPane::onProgress(quint64 textId, double fraction) {
  if (textId != textId_) return;
  progressBar_->setValue(static_cast<int>(std::lround(fraction * progressBar_->maximum())));
}

void ExplorerPane::onTrack(const ExplorerTrack& track) {
  if (track.textId != textId_ || !sameNeuron(track.neuron, neuronSelection())) return;
  if (!track.error.isEmpty()) {
    hoverLabel_->setText(track.error);
    return;
  }
  if (track.neuron.quantity == cellscope::Quantity::kCell) {
    float largest = 1.0f;
    for (float v : track.values) largest = std::max(largest, std::abs(v));
    unboundedLimit_ = largest;
    updateLegend();
  }
  view_->setValues(track.values);
  coloured_ = true;
}

void ExplorerPane::onProbed(const ExplorerProbeSummary& summary) {
  if (summary.textId != textId_) return;
  probing_ = false;
  progressBar_->setVisible(false);
  probed_ = summary.error.isEmpty() && !summary.cancelled;
  if (probed_ && !coloured_) requestTrack();  // the selection changed during the pass
  emit probingFinished();
  if (!summary.error.isEmpty()) showError(summary.error);
}

void ExplorerPane::onHover(const ExplorerHover& hover) {
  hoverPending_ = false;
  if (hover.textId != textId_) return;
  if (hover.position != hovered_ || !sameNeuron(hover.neuron, neuronSelection())) {
    requestHover();  // the mouse moved on meanwhile
    return;
  }
  if (!hover.error.isEmpty()) {
    hoverLabel_->setText(hover.error);
    return;
  }
  QStringList predictions;
  for (const ExplorerHover::Prediction& p : hover.top) {
    predictions << QStringLiteral("'%1' %2%")
                       .arg(QString::fromStdString(cellscope::Vocabulary::display(p.character)))
                       .arg(100.0 * p.probability, 0, 'f', 1);
  }
  const char32_t character = view_->text()[static_cast<std::size_t>(hover.position)];
  const QString text = tr("#%1 '%2': %3 = %4   next: %5")
                           .arg(hover.position)
                           .arg(QString::fromStdString(cellscope::Vocabulary::display(character)),
                                QString::fromStdString(cellscope::to_string(hover.neuron.quantity)),
                                QString::number(static_cast<double>(hover.value), 'f', 4),
                                predictions.join(QStringLiteral("  ")));
  hoverLabel_->setText(text);
  const QRect cell = view_->cellRect(hover.position);
  QToolTip::showText(view_->viewport()->mapToGlobal(cell.bottomLeft()), text, view_->viewport());
}
