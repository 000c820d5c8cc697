// ExplorerPane: the wiring between the widgets (built in explorer_layout.cpp) and the worker. The
// worker lives on thread_ and is only reached through queued calls carrying the text id; answers
// for another id or another neuron than the selected one are dropped. One hover request is in
// flight at a time; when it returns, the latest hovered character is asked.
#include "explorer_pane.h"

#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeyEvent>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QThread>
#include <QTimer>
#include <QToolTip>
#include <algorithm>
#include <cmath>

#include "activation_plot.h"
#include "explorer_layout.h"
#include "explorer_welcome.h"
#include "memory_panel.h"
#include "common/activation_text_view.h"
#include "checkpoint.h"
#include "common/color_map.h"
#include "comparison_controller.h"
#include "neuron_finder_panel.h"
#include "neuron_heatmap.h"
#include "common/neuron_selector.h"
#include "common/worker_model.h"
#include "common/worker_thread.h"

ExplorerPane::ExplorerPane(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("explorerPane"));

  ui_ = buildExplorerLayout(this);
  comparison_ = new ComparisonController(ui_, this);
  connect(ui_.view, &ActivationTextView::characterClicked, ui_.memory,
          &MemoryPanel::characterClicked);
  connect(ui_.memory, &MemoryPanel::underlineChanged, ui_.view, &ActivationTextView::setUnderline);
  connect(comparison_, &ComparisonController::coloured, this, &ExplorerPane::colouringFinished);
  connect(comparison_, &ComparisonController::neuronColouringWanted, this, [this] {
    ui_.view->setValues(comparison_->neuronValues());
    updateLegend();
    if (coloured_) emit colouringFinished();
  });
  connect(ui_.openButton, &QPushButton::clicked, this, &ExplorerPane::chooseText);
  connect(ui_.welcome, &ExplorerWelcome::exampleRequested, this, &ExplorerPane::exampleRequested);
  ui_.view->installEventFilter(this);
  plotTimer_ = new QTimer(this);
  plotTimer_->setSingleShot(true);
  plotTimer_->setInterval(16);
  connect(plotTimer_, &QTimer::timeout, this, &ExplorerPane::updatePlot);

  connect(ui_.selector, &NeuronSelector::changed, this, &ExplorerPane::selectionChanged);
  connect(ui_.view, &ActivationTextView::characterHovered, this, [this](int index) {
    hovered_ = index;
    ui_.plot->setHighlighted(index);
    ui_.heatmap->setHighlightedColumn(index);
    if (index < 0) {
      ui_.hoverLabel->clear();
      QToolTip::hideText();
      return;
    }
    requestHover();
  });

  worker_ = new ExplorerWorker;
  thread_ = startWorkerThread(this, worker_, QStringLiteral("explorerThread"));
  connect(worker_, &ExplorerWorker::textLoaded, this, &ExplorerPane::onTextLoaded);
  connect(worker_, &ExplorerWorker::progress, this, &ExplorerPane::onProgress);
  connect(worker_, &ExplorerWorker::trackReady, this, &ExplorerPane::onTrack);
  connect(worker_, &ExplorerWorker::matrixReady, this, &ExplorerPane::onMatrix);
  connect(ui_.view, &ActivationTextView::visibleRangeChanged, this, [this](int begin, int end) {
    worker_->setVisible(begin, end);
    wakeWorker();
    plotTimer_->start();
  });
  connect(this, &ExplorerPane::valuesChanged, plotTimer_, qOverload<>(&QTimer::start));
  connect(comparison_, &ComparisonController::recoloured, plotTimer_, qOverload<>(&QTimer::start));
  connect(ui_.plot, &ActivationPlot::positionClicked, this, [this](qint64 position) {
    ui_.view->setHighlighted(static_cast<int>(position));
    ui_.view->setFocus();
  });
  connect(ui_.heatmap, &NeuronHeatmap::neuronClicked, this, [this](int neuron) {
    NeuronSelection sel = neuronSelection();
    sel.neuron = neuron;
    setNeuronSelection(sel);
  });
  connect(ui_.heatmap, &NeuronHeatmap::columnClicked, this,
          [this](qint64 position) { ui_.view->setHighlighted(static_cast<int>(position)); });
  worker_->setHeatmapWanted(true);
  connect(ui_.view, &ActivationTextView::selectionChanged, ui_.finder,
          [this](int begin, int end) { ui_.finder->setSelection(begin, end); });
  connect(ui_.finder, &NeuronFinderPanel::neuronChosen, this, &ExplorerPane::setNeuronSelection);
  connect(ui_.finder->worker(), &AnalysisWorker::found, this, [this](const FindResult& result) {
    if (result.cancelled || !result.error.isEmpty()) return;
    ranking_ = result.scores;
    applyRowOrder();
  });
  connect(ui_.finder, &NeuronFinderPanel::rangeChosen, this, [this](qint64 begin, qint64 end) {
    Q_UNUSED(end);  // the match marks show the extent; the selection (the query) stays
    ui_.view->scrollTo(static_cast<int>(begin));
    ui_.view->setHighlighted(static_cast<int>(begin));
  });
  connect(ui_.finder, &NeuronFinderPanel::matchesFound, this,
          [this](const QVector<QPair<qint64, qint64>>& ranges) {
            std::vector<std::pair<int, int>> marks;
            for (const auto& r : ranges)
              marks.emplace_back(static_cast<int>(r.first), static_cast<int>(r.second));
            ui_.view->setMarkedRanges(marks);
          });
  connect(worker_, &ExplorerWorker::probed, this, &ExplorerPane::onProbed);
  connect(worker_, &ExplorerWorker::hoverReady, this, &ExplorerPane::onHover);
  connect(worker_, &ExplorerWorker::autoNeuron, this, &ExplorerPane::onAutoNeuron);
  updateLegend();
}

ExplorerPane::~ExplorerPane() {
  worker_->want(0);
  joinWorkerThread(thread_, worker_);
}

void ExplorerPane::setModel(const cellscope::ModelFile& model, const QString& name) {
  model_ = workerModelFile(model);
  ui_.memory->setModel(model, name);
  ++textId_;
  worker_->want(textId_);  // stops a pass over the old model
  ui_.heatmap->clear();
  comparison_->setModel(model_);
  ExplorerWorker* worker = worker_;
  std::shared_ptr<const cellscope::ModelFile> file = model_;
  QMetaObject::invokeMethod(
      worker_, [worker, file] { worker->setModel(file); }, Qt::QueuedConnection);

  ui_.finder->setModel(model_);
  ui_.welcome->setHasModel(true);
  const cellscope::ModelConfig& config = model.model;
  ui_.selector->setModel(config);
  ui_.finder->setQuantity(neuronSelection().quantity);
  setAutoNeuronPending(true);
  autoChosen_ = false;
  updateLegend();
  probing_ = false;
  textLoaded_ = false;
  coloured_ = false;
  if (!textPath_.isEmpty()) {
    openText(textPath_);
  } else if (!textTitle_.isEmpty()) {
    const std::u32string text = ui_.view->text();  // a text from memory: probe it again
    showText(textTitle_, text);
  }
}

void ExplorerPane::chooseText() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Text"), lastDir_,
                                                    tr("Text files (*.txt *.c *.h *.tex *.md);;"
                                                       "All files (*)"));
  if (!path.isEmpty()) openText(path);
}

void ExplorerPane::zoomTextIn() {
  ui_.view->zoomIn();
}

void ExplorerPane::zoomTextOut() {
  ui_.view->zoomOut();
}

void ExplorerPane::resetTextZoom() {
  ui_.view->resetZoom();
}

void ExplorerPane::setWhitespaceMarkersVisible(bool visible) {
  ui_.view->setWhitespaceMarkersVisible(visible);
}

void ExplorerPane::openText(const QString& path) {
  const QString absolutePath = QFileInfo(path).absoluteFilePath();
  lastDir_ = QFileInfo(absolutePath).absolutePath();
  if (!model_) {
    showError(tr("Cannot open %1: open a model first (File → Open Model…).").arg(absolutePath));
    return;
  }
  const quint64 id = startText(tr("Reading %1…").arg(QFileInfo(absolutePath).fileName()));
  pendingPath_ = absolutePath;
  ExplorerWorker* worker = worker_;
  QMetaObject::invokeMethod(
      worker_, [worker, id, absolutePath] { worker->openText(id, absolutePath); },
      Qt::QueuedConnection);
}

void ExplorerPane::showText(const QString& title, const std::u32string& text) {
  if (!model_) {
    showError(tr("Cannot show %1: open a model first (File → Open Model…).").arg(title));
    return;
  }
  const quint64 id = startText(tr("Reading %1…").arg(title));
  pendingPath_.clear();
  ExplorerWorker* worker = worker_;
  QMetaObject::invokeMethod(
      worker_, [worker, id, title, text] { worker->openContent(id, title, text); },
      Qt::QueuedConnection);
}

quint64 ExplorerPane::startText(const QString& status) {
  ++textId_;
  worker_->want(textId_);  // cancels the pass over the previous text
  worker_->select(neuronSelection());
  worker_->setVisible(0, 0);
  ui_.heatmap->clear();  // the old text's (or model's) neurons
  ranking_.clear();
  applyRowOrder();
  probing_ = true;
  textLoaded_ = false;
  coloured_ = false;
  hoverPending_ = false;
  ui_.progressBar->setFormat(tr("Probing %p%"));
  ui_.progressBar->setValue(0);
  ui_.progressBar->setVisible(true);
  ui_.pathLabel->setText(status);
  return textId_;
}

const std::u32string& ExplorerPane::text() const {
  return ui_.view->text();
}

const std::vector<float>& ExplorerPane::values() const {
  return ui_.view->values();
}

bool ExplorerPane::isColoured() const {
  return comparison_->showing() ? comparison_->isColoured() : coloured_;
}

NeuronSelection ExplorerPane::neuronSelection() const {
  return ui_.selector->selection();
}

void ExplorerPane::setNeuronSelection(const NeuronSelection& selection) {
  if (autoPending_ && selection == neuronSelection()) return;
  setAutoNeuronPending(false);
  ui_.selector->setSelection(selection);
}

void ExplorerPane::setAutoNeuronPending(bool pending) {
  autoPending_ = pending;
  worker_->setAutoNeuronWanted(pending);
}

void ExplorerPane::onAutoNeuron(quint64 textId, int layer, int neuron, int quantity,
                                double variance) {
  Q_UNUSED(variance);
  if (textId != textId_ || !autoPending_) return;  // a neuron was named meanwhile: it wins
  setAutoNeuronPending(false);
  applyingAuto_ = true;
  ui_.selector->setSelection(
      NeuronSelection{layer, neuron, static_cast<cellscope::Quantity>(quantity)});
  applyingAuto_ = false;
  autoChosen_ = true;
}

void ExplorerPane::setExampleTitles(const QStringList& titles) {
  ui_.welcome->setExampleTitles(titles);
}

void ExplorerPane::setFinderTarget(const QString& detector, cellscope::Quantity quantity) {
  ui_.finder->setFindTarget(detector, quantity);
}

void ExplorerPane::stepNeuron(int delta) {
  ui_.selector->stepNeuron(delta);
}

void ExplorerPane::stepLayer(int delta) {
  ui_.selector->stepLayer(delta);
}

bool ExplorerPane::eventFilter(QObject* watched, QEvent* event) {
  int neuronStep = 0, layerStep = 0;
  if (watched == ui_.view && event->type() == QEvent::KeyPress &&
      explorerKeyStep(static_cast<QKeyEvent*>(event)->key(), &neuronStep, &layerStep)) {
    if (neuronStep != 0) stepNeuron(neuronStep);
    if (layerStep != 0) stepLayer(layerStep);
    return true;
  }
  return QWidget::eventFilter(watched, event);
}

void ExplorerPane::selectionChanged() {
  if (!applyingAuto_) {
    setAutoNeuronPending(false);  // the user's (or a caller's) choice
    autoChosen_ = false;
  }
  ui_.finder->setQuantity(neuronSelection().quantity);
  ui_.finder->showNeuron(neuronSelection());
  ui_.memory->setNeuron(neuronSelection());
  colouringTimer_.start();
  updateLegend();
  if (neuronSelection().layer != orderLayer_) applyRowOrder();  // that layer's ranked neurons
  ui_.heatmap->setSelectedRow(neuronSelection().neuron);
  coloured_ = false;
  worker_->select(neuronSelection());
  wakeWorker();
}

void ExplorerPane::wakeWorker() {
  const quint64 id = textId_;
  ExplorerWorker* worker = worker_;
  QMetaObject::invokeMethod(
      worker_, [worker, id] { worker->wake(id); }, Qt::QueuedConnection);
}

void ExplorerPane::requestHover() {
  if (!textLoaded_ || hovered_ < 0 || hoverPending_) return;
  hoverPending_ = true;
  const quint64 id = textId_;
  const int position = hovered_;
  const NeuronSelection neuron = neuronSelection();
  ExplorerWorker* worker = worker_;
  QMetaObject::invokeMethod(
      worker_, [worker, id, position, neuron] { worker->hover(id, position, neuron); },
      Qt::QueuedConnection);
}

colormap::ColorMap ExplorerPane::currentMap() const {
  return colormap::ColorMap::forQuantity(neuronSelection().quantity, unboundedLimit_);
}

void ExplorerPane::updatePlot() {
  const auto [begin, end] = ui_.view->visibleRange();
  const NeuronSelection sel = neuronSelection();
  const std::vector<float>& all = ui_.view->values();
  std::vector<float> shown(all.begin() + begin, all.begin() + end);
  ui_.plot->setValues(begin, shown);
  ui_.plot->setCharacters(begin, ui_.view->text().substr(static_cast<std::size_t>(begin),
                                                   static_cast<std::size_t>(end - begin)));
  labelExplorerPlot(ui_.plot, sel, currentMap());
  comparison_->labelPlot();  // surprisal, entropy or A − B instead, when shown
}

// The heatmap lists the selected layer's neurons in the finder's ranking first.
void ExplorerPane::applyRowOrder() {
  orderLayer_ = neuronSelection().layer;
  ui_.heatmap->setRowOrder(
      rankedRowOrder(ranking_, orderLayer_, model_ ? model_->model.hidden_size : 0));
}

void ExplorerPane::onMatrix(const ExplorerMatrix& matrix) {
  if (matrix.textId != textId_) return;
  const NeuronSelection sel = neuronSelection();
  if (matrix.layer != sel.layer || matrix.quantity != sel.quantity) return;
  ui_.heatmap->setData(matrix.begin, matrix.rows, matrix.columns, matrix.values, currentMap());
  ui_.heatmap->setSelectedRow(sel.neuron);
}

void ExplorerPane::updateLegend() {
  if (comparison_->showing()) return comparison_->refresh();
  const NeuronSelection sel = neuronSelection();
  const colormap::ColorMap map = currentMap();
  ui_.view->setColorMap(map);
  plotTimer_->start();
  ui_.legendLabel->setText(explorerLegend(sel.quantity, map));
}

void ExplorerPane::showError(const QString& message) {
  QMessageBox::critical(this, tr("Cannot open text"), message);
}

void ExplorerPane::onTextLoaded(const ExplorerText& text) {
  if (text.textId != textId_) return;
  if (!text.error.isEmpty()) {
    probing_ = false;
    ui_.progressBar->setVisible(false);
    ui_.pathLabel->setText(textTitle_.isEmpty() ? tr("No text") : textTitle_);
    emit probingFinished();
    showError(text.error);
    return;
  }
  textPath_ = pendingPath_;
  textTitle_ = text.path;
  textLoaded_ = true;
  ui_.textStack->setCurrentWidget(ui_.view);  // the welcome goes for good
  ui_.view->setText(text.text);
  comparison_->setText(text.text);
  ui_.finder->setText(text.text);
  ui_.memory->setText(text.text);
  hovered_ = -1;
  ui_.hoverLabel->clear();
  QString label = text.path;
  if (text.unknown > 0)
    label += tr(" (%n character(s) unknown to the model)", nullptr, static_cast<int>(text.unknown));
  ui_.pathLabel->setText(label);
}

void ExplorerPane::onProgress(quint64 textId, double fraction) {
  if (textId != textId_) return;
  ui_.progressBar->setValue(static_cast<int>(std::lround(fraction * ui_.progressBar->maximum())));
}

void ExplorerPane::onTrack(const ExplorerTrack& track) {
  if (track.textId != textId_ || track.neuron != neuronSelection()) return;
  if (!track.error.isEmpty()) {
    ui_.hoverLabel->setText(track.error);
    return;
  }
  if (track.reset) {
    if (track.neuron.quantity == cellscope::Quantity::kCell) {
      // The legend's range: the largest |c| known now (the cached and visible part).
      float largest = 1.0f;
      for (float v : track.values) {
        if (!std::isnan(v)) largest = std::max(largest, std::abs(v));
      }
      unboundedLimit_ = largest;
      updateLegend();
    }
    comparison_->setNeuronValues(track.values);  // shown unless surprisal etc. is
  } else {
    comparison_->setNeuronValuesAt(static_cast<int>(track.begin), track.values);
  }
  emit valuesChanged();
  // After the pass, a neuron whose values are not all cached fills in behind a progress bar
  // (shown only when that takes longer than a moment).
  if (!probing_) {
    const bool slow =
        !track.complete && colouringTimer_.isValid() && colouringTimer_.elapsed() > 200;
    if (slow) {
      ui_.progressBar->setFormat(tr("Colouring %p%"));
      ui_.progressBar->setValue(static_cast<int>(std::lround(track.filled * ui_.progressBar->maximum())));
    }
    ui_.progressBar->setVisible(slow);
  }
  if (track.complete && !coloured_) {
    coloured_ = true;
    if (!comparison_->showing()) emit colouringFinished();
  }
}

void ExplorerPane::onProbed(const ExplorerProbeSummary& summary) {
  if (summary.textId != textId_) return;
  probing_ = false;
  ui_.progressBar->setVisible(false);
  emit probingFinished();
  if (!summary.error.isEmpty()) showError(summary.error);
}

void ExplorerPane::onHover(const ExplorerHover& hover) {
  hoverPending_ = false;
  if (hover.textId != textId_) return;
  if (hover.position != hovered_ || hover.neuron != neuronSelection()) {
    requestHover();  // the mouse moved on meanwhile
    return;
  }
  if (!hover.error.isEmpty()) {
    ui_.hoverLabel->setText(hover.error);
    return;
  }
  const QString text = explorerHoverText(
      hover, ui_.view->text()[static_cast<std::size_t>(hover.position)],
      comparison_->showing() ? comparison_->hoverValue(hover.position) : QString());
  ui_.hoverLabel->setText(text);
  const QRect cell = ui_.view->cellRect(hover.position);
  QToolTip::showText(ui_.view->viewport()->mapToGlobal(cell.bottomLeft()), text, ui_.view->viewport());
}
