// NeuronSelection: which activation a view shows or a worker records after each character —
// (layer, neuron, quantity), counted from 0. A plain value type shared by every room.
#pragma once

#include "probe.h"

struct NeuronSelection {
  int layer = 0;
  int neuron = 0;
  cellscope::Quantity quantity = cellscope::Quantity::kHidden;

  bool operator==(const NeuronSelection& o) const {
    return layer == o.layer && neuron == o.neuron && quantity == o.quantity;
  }
  bool operator!=(const NeuronSelection& o) const { return !(*this == o); }
};
