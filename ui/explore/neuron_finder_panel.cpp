// NeuronFinderPanel: owns the session and the worker thread, routes the worker's results to the
// tab of their kind and the tabs' choices out as its own signals. The worker is only reached
// through queued calls carrying copies; a model or text change bumps the text id first, so the
// worker stops stale jobs at their next chunk and the tabs drop their results.
#include "neuron_finder_panel.h"

#include <QTabWidget>
#include <QThread>
#include <QVBoxLayout>
#include <algorithm>

#include "checkpoint.h"
#include "common/worker_thread.h"
#include "finder_tab.h"
#include "match_tab.h"
#include "saturation_tab.h"

NeuronFinderPanel::NeuronFinderPanel(QWidget* parent)
    : QWidget(parent), session_(std::make_unique<FinderSession>()) {
  findTab_ = new FindTab(session_.get());
  matchTab_ = new MatchTab(session_.get());
  saturationTab_ = new SaturationTab(session_.get());
  tabs_ = new QTabWidget;
  tabs_->setObjectName(QStringLiteral("finderTabs"));
  tabs_->addTab(findTab_, tr("Find"));
  tabs_->addTab(matchTab_, tr("Match"));
  tabs_->addTab(saturationTab_, tr("Saturation"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(tabs_);
  connect(tabs_, &QTabWidget::currentChanged, this, [this](int index) {
    if (tabs_->widget(index) == saturationTab_) saturationTab_->runIfStale();
  });
  connect(findTab_, &FindTab::neuronChosen, this, &NeuronFinderPanel::neuronChosen);
  connect(matchTab_, &MatchTab::neuronChosen, this, &NeuronFinderPanel::neuronChosen);
  connect(matchTab_, &MatchTab::rangeChosen, this, &NeuronFinderPanel::rangeChosen);
  connect(matchTab_, &MatchTab::matchesFound, this, &NeuronFinderPanel::matchesFound);
  connect(saturationTab_, &SaturationTab::neuronChosen, this, &NeuronFinderPanel::neuronChosen);

  worker_ = new AnalysisWorker;
  session_->worker = worker_;
  thread_ = startWorkerThread(this, worker_, QStringLiteral("analysisThread"));
  for (FinderTab* tab : {static_cast<FinderTab*>(findTab_), static_cast<FinderTab*>(matchTab_),
                         static_cast<FinderTab*>(saturationTab_)})
    connect(worker_, &AnalysisWorker::progress, tab, &FinderTab::showProgress);
  connect(worker_, &AnalysisWorker::found, findTab_, &FindTab::onFound);
  connect(worker_, &AnalysisWorker::matched, matchTab_, &MatchTab::onMatched);
  connect(worker_, &AnalysisWorker::saturationReady, saturationTab_,
          &SaturationTab::onSaturation);
  matchTab_->updateSelectionLabel();
}

NeuronFinderPanel::~NeuronFinderPanel() {
  worker_->wantText(0);
  joinWorkerThread(thread_, worker_);
}

void NeuronFinderPanel::setModel(std::shared_ptr<const cellscope::ModelFile> model) {
  session_->model = std::move(model);
  session_->config = session_->model ? session_->model->model : cellscope::ModelConfig{};
  findTab_->setModel();
  matchTab_->setModel();
  saturationTab_->setModel();
  newTextId();
  AnalysisWorker* worker = worker_;
  std::shared_ptr<const cellscope::ModelFile> file = session_->model;
  const quint64 id = session_->textId;
  const std::u32string text = session_->text;
  QMetaObject::invokeMethod(
      worker_,
      [worker, file, id, text] {
        worker->setModel(file);
        worker->setText(id, text);
      },
      Qt::QueuedConnection);
}

void NeuronFinderPanel::setText(const std::u32string& text) {
  session_->text = text;
  session_->selectionBegin = session_->selectionEnd = 0;
  findTab_->setText();
  newTextId();
  AnalysisWorker* worker = worker_;
  const quint64 id = session_->textId;
  QMetaObject::invokeMethod(
      worker_, [worker, id, text] { worker->setText(id, text); }, Qt::QueuedConnection);
  matchTab_->updateSelectionLabel();
  if (tabs_->currentWidget() == saturationTab_ && session_->model && !session_->text.empty())
    saturationTab_->run();
}

void NeuronFinderPanel::newTextId() {
  ++session_->textId;
  worker_->wantText(session_->textId);
  findTab_->reset();
  matchTab_->reset();
  saturationTab_->reset();
}

void NeuronFinderPanel::setSelection(qint64 begin, qint64 end) {
  const auto n = static_cast<qint64>(session_->text.size());
  session_->selectionBegin = std::clamp<qint64>(begin, 0, n);
  session_->selectionEnd = std::clamp<qint64>(end, session_->selectionBegin, n);
  matchTab_->updateSelectionLabel();
}

void NeuronFinderPanel::setQuantity(cellscope::Quantity quantity) {
  matchTab_->setQuantity(quantity);
}

void NeuronFinderPanel::setFindTarget(const QString& detector, cellscope::Quantity quantity) {
  findTab_->setPresetTarget(detector, quantity);
}

void NeuronFinderPanel::showNeuron(const NeuronSelection& neuron) {
  findTab_->showNeuron(neuron);
  matchTab_->showNeuron(neuron);
}

void NeuronFinderPanel::runFind() {
  findTab_->run();
}
void NeuronFinderPanel::runMatch() {
  matchTab_->run();
}
void NeuronFinderPanel::runSaturation() {
  saturationTab_->run();
}

bool NeuronFinderPanel::isBusy() const {
  return findTab_->isBusy() || matchTab_->isBusy() || saturationTab_->isBusy();
}
const std::vector<cellscope::NeuronScore>& NeuronFinderPanel::findResults() const {
  return findTab_->results();
}
const cellscope::MatchResult& NeuronFinderPanel::matchResult() const {
  return matchTab_->result().result;
}
QString NeuronFinderPanel::findStatus() const {
  return findTab_->status();
}
QString NeuronFinderPanel::matchStatus() const {
  return matchTab_->status();
}
QString NeuronFinderPanel::saturationStatus() const {
  return saturationTab_->status();
}
