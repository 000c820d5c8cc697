// ExplorerWelcome: a centred column on the text view's Base colour, so it reads as the empty
// text area speaking. Links are flat buttons (keyboard-focusable, clickable in tests) drawn in
// the palette's link colour, set again on every palette change: a style sheet's palette(link)
// would keep the colour of the theme it was first polished under.
#include "explorer_welcome.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

ExplorerWelcome::ExplorerWelcome(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("explorerWelcome"));
  setAutoFillBackground(true);
  setBackgroundRole(QPalette::Base);

  auto* title = new QLabel(tr("See what a neuron tracks"));
  QFont titleFont = title->font();
  titleFont.setPointSizeF(titleFont.pointSizeF() * 1.5);
  titleFont.setBold(true);
  title->setFont(titleFont);
  auto* intro = new QLabel(
      tr("Here a text is coloured character by character by one neuron of the model, as the "
         "model reads it. The finder at the side ranks the neurons against comments, quotes, "
         "URLs or a span you select."));
  intro->setWordWrap(true);
  examplesHeading_ = new QLabel(tr("Start with an example:"));
  QFont headingFont = examplesHeading_->font();
  headingFont.setBold(true);
  examplesHeading_->setFont(headingFont);
  examplesList_ = new QVBoxLayout;
  examplesList_->setSpacing(0);
  hint_ = new QLabel;
  hint_->setObjectName(QStringLiteral("welcomeHint"));
  hint_->setWordWrap(true);
  hint_->setForegroundRole(QPalette::PlaceholderText);

  auto* column = new QWidget;
  column->setMaximumWidth(560);
  auto* content = new QVBoxLayout(column);
  content->addWidget(title);
  content->addWidget(intro);
  content->addSpacing(12);
  content->addWidget(examplesHeading_);
  content->addLayout(examplesList_);
  content->addSpacing(12);
  content->addWidget(hint_);

  auto* row = new QHBoxLayout;
  row->addStretch(1);
  row->addWidget(column, 4);
  row->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->addStretch(1);
  layout->addLayout(row);
  layout->addStretch(2);

  setExampleTitles({});
  setHasModel(false);
}

void ExplorerWelcome::setExampleTitles(const QStringList& titles) {
  titles_ = titles;
  while (QLayoutItem* item = examplesList_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  for (int k = 0; k < titles.size(); ++k) {
    auto* link = new QPushButton(titles[k]);
    link->setObjectName(QStringLiteral("welcomeExample_%1").arg(k));
    link->setFlat(true);
    link->setCursor(Qt::PointingHandCursor);
    connect(link, &QPushButton::clicked, this, [this, k] { emit exampleRequested(k); });
    examplesList_->addWidget(link);
  }
  examplesHeading_->setVisible(!titles.isEmpty());
  colourLinks();
}

void ExplorerWelcome::colourLinks() {
  const QString sheet =
      QStringLiteral(
          "QPushButton { color: %1; text-align: left; padding: 3px 6px; border: none; }"
          "QPushButton:hover { text-decoration: underline; }")
          .arg(palette().color(QPalette::Link).name());
  for (QPushButton* link : findChildren<QPushButton*>()) link->setStyleSheet(sheet);
}

void ExplorerWelcome::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() == QEvent::PaletteChange) colourLinks();
}

void ExplorerWelcome::setHasModel(bool hasModel) {
  hint_->setText(hasModel
                     ? tr("Or open a text of your own: File → Open Text… (or the button above), "
                          "File → Paste Text, or drag a text file here.")
                     : tr("Or open your own: File → Open Model… for a .csm model, then File → "
                          "Open Text…; or drag a model or a text file here."));
}

QString ExplorerWelcome::hint() const {
  return hint_->text();
}
