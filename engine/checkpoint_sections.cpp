// Payloads of the .csm sections, each a write/read pair over the byte codec, and the table that
// orders them. To add a section: a write and a read function and one row (before PARM); make it
// optional (required=false) so older files still load and older builds skip it.
#include "checkpoint_sections.h"

namespace cellscope::csm {

namespace {

// Bytes each record occupies at least in the file (bounds the count before reserving).
constexpr std::size_t kLossPointBytes = 8 + 8 + 8 + 8;
constexpr std::size_t kSampleMinBytes = 8 + 8 + 8 + 8;  // iteration, val_loss, temperature, len

void write_config(Writer& w, const ModelFile& f) {
  const ModelConfig& m = f.model;
  const TrainConfig& t = f.train;
  w.i32(static_cast<int32_t>(m.cell));
  w.i32(m.vocab_size);
  w.i32(m.hidden_size);
  w.i32(m.num_layers);
  w.f64(m.dropout);

  w.i32(t.seq_length);
  w.i32(t.bptt_every);
  w.i32(t.bptt_length);
  w.i32(t.batch_size);
  w.u8(t.reset_state ? 1 : 0);
  w.i32(static_cast<int32_t>(t.optimizer));
  w.f64(t.learning_rate);
  w.f64(t.lr_decay);
  w.i32(t.lr_decay_after);
  w.f64(t.grad_clip);
  w.i32(static_cast<int32_t>(t.clip_mode));
  w.f64(t.val_frac);
  w.i64(t.max_epochs);
  w.i64(t.max_iters);
  w.f64(t.max_seconds);
  w.i64(t.eval_every);
  w.i64(t.checkpoint_every);
  w.i64(t.sample_every);
  w.i32(t.sample_length);
  w.f64(t.sample_temperature);
  w.u64(t.seed);
}

void read_config(Reader& r, ModelFile& f) {
  ModelConfig& m = f.model;
  TrainConfig& t = f.train;
  m.cell = static_cast<CellType>(r.i32("cell"));
  m.vocab_size = r.i32("vocab_size");
  m.hidden_size = r.i32("hidden_size");
  m.num_layers = r.i32("num_layers");
  m.dropout = r.f64("dropout");

  t.seq_length = r.i32("seq_length");
  t.bptt_every = r.i32("bptt_every");
  t.bptt_length = r.i32("bptt_length");
  t.batch_size = r.i32("batch_size");
  t.reset_state = r.boolean("reset_state");
  t.optimizer = static_cast<OptimizerType>(r.i32("optimizer"));
  t.learning_rate = r.f64("learning_rate");
  t.lr_decay = r.f64("lr_decay");
  t.lr_decay_after = r.i32("lr_decay_after");
  t.grad_clip = r.f64("grad_clip");
  t.clip_mode = static_cast<ClipMode>(r.i32("clip_mode"));
  t.val_frac = r.f64("val_frac");
  t.max_epochs = r.i64("max_epochs");
  t.max_iters = r.i64("max_iters");
  t.max_seconds = r.f64("max_seconds");
  t.eval_every = r.i64("eval_every");
  t.checkpoint_every = r.i64("checkpoint_every");
  t.sample_every = r.i64("sample_every");
  t.sample_length = r.i32("sample_length");
  t.sample_temperature = r.f64("sample_temperature");
  t.seed = r.u64("seed");
}

// CVAR: cell variants (PyTorch's GRU and relu RNN). Written only when one is set, so files of
// the default cells stay byte-identical to those of builds before the section existed.
bool has_cell_variant(const ModelFile& f) {
  return f.model.gru_reset_after || f.model.rnn_relu;
}

void write_cell_variant(Writer& w, const ModelFile& f) {
  w.u8(f.model.gru_reset_after ? 1 : 0);
  w.u8(f.model.rnn_relu ? 1 : 0);
}

void read_cell_variant(Reader& r, ModelFile& f) {
  f.model.gru_reset_after = r.boolean("gru_reset_after");
  f.model.rnn_relu = r.boolean("rnn_relu");
}

void write_vocabulary(Writer& w, const ModelFile& f) {
  w.u64(f.vocabulary.size());
  for (char32_t cp : f.vocabulary) w.u32(uint32_t(cp));
}

void read_vocabulary(Reader& r, ModelFile& f) {
  f.vocabulary.resize(r.count(4, "characters"));
  for (char32_t& cp : f.vocabulary) cp = char32_t(r.u32("character"));
}

void write_optimizer(Writer& w, const ModelFile& f) {
  w.i64(f.optimizer_steps);
  w.floats(f.optimizer_state);
}

void read_optimizer(Reader& r, ModelFile& f) {
  f.optimizer_steps = r.i64("optimizer_steps");
  f.optimizer_state = r.floats("optimizer values");
}

void write_progress(Writer& w, const ModelFile& f) {
  const TrainingProgress& p = f.progress;
  w.i64(p.iteration);
  w.i64(p.epoch);
  w.i64(p.cursor);
  w.f64(p.learning_rate);
  w.f64(p.seconds);
  w.str(p.rng_state);
  w.i32(p.carried_batch);
  w.floats(p.carried_state);
}

void read_progress(Reader& r, ModelFile& f) {
  TrainingProgress& p = f.progress;
  p.iteration = r.i64("iteration");
  p.epoch = r.i64("epoch");
  p.cursor = r.i64("cursor");
  p.learning_rate = r.f64("learning_rate");
  p.seconds = r.f64("seconds");
  p.rng_state = r.str("rng_state bytes");
  p.carried_batch = r.i32("carried_batch");
  p.carried_state = r.floats("carried_state values");
}

void write_history(Writer& w, const std::vector<LossPoint>& history) {
  w.u64(history.size());
  for (const LossPoint& p : history) {
    w.i64(p.iteration);
    w.f64(p.epoch);
    w.f64(p.seconds);
    w.f64(p.loss);
  }
}

std::vector<LossPoint> read_history(Reader& r) {
  std::vector<LossPoint> history(r.count(kLossPointBytes, "loss points"));
  for (LossPoint& p : history) {
    p.iteration = r.i64("iteration");
    p.epoch = r.f64("epoch");
    p.seconds = r.f64("seconds");
    p.loss = r.f64("loss");
  }
  return history;
}

void write_samples(Writer& w, const ModelFile& f) {
  w.u64(f.samples.size());
  for (const SampleRecord& s : f.samples) {
    w.i64(s.iteration);
    w.f64(s.val_loss);
    w.f64(s.temperature);
    w.str(s.text);
  }
}

void read_samples(Reader& r, ModelFile& f) {
  f.samples.resize(r.count(kSampleMinBytes, "samples"));
  for (SampleRecord& s : f.samples) {
    s.iteration = r.i64("sample iteration");
    s.val_loss = r.f64("sample val_loss");
    s.temperature = r.f64("sample temperature");
    s.text = r.str("sample text bytes");
  }
}

void write_corpus(Writer& w, const ModelFile& f) {
  w.u64(f.corpus_paths.size());
  for (const std::string& path : f.corpus_paths) w.str(path);
  w.str(f.corpus_glob);
}

void read_corpus(Reader& r, ModelFile& f) {
  f.corpus_paths.resize(r.count(8, "corpus paths"));
  for (std::string& path : f.corpus_paths) path = r.str("corpus path bytes");
  f.corpus_glob = r.str("corpus glob bytes");
}

// WTCH: train --watch records (watch_record.h). Only when there are some, so other files stay
// byte-identical to those of builds before the section existed.
constexpr std::size_t kWatchMinBytes = 8 + 8 + 4 + 4 + 8 + 8 + 8;

void write_watch(Writer& w, const ModelFile& f) {
  w.u64(f.watch.size());
  for (const WatchRecord& x : f.watch) {
    w.i64(x.iteration);
    w.str(x.detector);
    w.i32(x.layer);
    w.i32(x.neuron);
    w.str(x.quantity);
    w.f64(x.correlation);
    w.f64(x.auc);
  }
}

void read_watch(Reader& r, ModelFile& f) {
  f.watch.resize(r.count(kWatchMinBytes, "watch records"));
  for (WatchRecord& x : f.watch) {
    x.iteration = r.i64("watch iteration");
    x.detector = r.str("watch detector bytes");
    x.layer = r.i32("watch layer");
    x.neuron = r.i32("watch neuron");
    x.quantity = r.str("watch quantity bytes");
    x.correlation = r.f64("watch r");
    x.auc = r.f64("watch auc");
  }
}

}  // namespace

const std::vector<Section>& section_table() {
  static const std::vector<Section> table = {
      {make_tag("CONF"), true, nullptr, write_config, read_config},
      {make_tag("CVAR"), false, has_cell_variant, write_cell_variant, read_cell_variant},
      {make_tag("VOCB"), true, nullptr, write_vocabulary, read_vocabulary},
      {make_tag("OPTM"), false, nullptr, write_optimizer, read_optimizer},
      {make_tag("PROG"), false, nullptr, write_progress, read_progress},
      {make_tag("THST"), false, nullptr,
       [](Writer& w, const ModelFile& f) { write_history(w, f.train_history); },
       [](Reader& r, ModelFile& f) { f.train_history = read_history(r); }},
      {make_tag("VHST"), false, nullptr,
       [](Writer& w, const ModelFile& f) { write_history(w, f.val_history); },
       [](Reader& r, ModelFile& f) { f.val_history = read_history(r); }},
      {make_tag("SMPL"), false, nullptr, write_samples, read_samples},
      {make_tag("CORP"), false, nullptr, write_corpus, read_corpus},
      {make_tag("WTCH"), false, [](const ModelFile& f) { return !f.watch.empty(); }, write_watch,
       read_watch},
      // Last on purpose: a file cut anywhere loses (part of) a required section.
      {make_tag("PARM"), true, nullptr,
       [](Writer& w, const ModelFile& f) { w.floats(f.parameters); },
       [](Reader& r, ModelFile& f) { f.parameters = r.floats("parameters"); }},
  };
  return table;
}

}  // namespace cellscope::csm
