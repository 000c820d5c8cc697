// Reading an LSTMVis export back through the HDF5 C library (the tests' independent check of
// lstmvis_export): a dataset's shape and values, the .dict lines, a file's text.
#pragma once

#include <gtest/gtest.h>
#include <hdf5.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace cellscope::testing_util {

struct Hdf5Array {
  std::vector<hsize_t> dims;
  std::vector<float> floats;   // float datasets
  std::vector<int32_t> ints;   // integer datasets
  bool is_float = false;
};

inline Hdf5Array read_hdf5(const std::string& path, const std::string& dataset) {
  Hdf5Array out;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_GE(file, 0) << path;
  if (file < 0) return out;
  const hid_t set = H5Dopen2(file, dataset.c_str(), H5P_DEFAULT);
  EXPECT_GE(set, 0) << path << " " << dataset;
  if (set >= 0) {
    const hid_t space = H5Dget_space(set);
    const int rank = H5Sget_simple_extent_ndims(space);
    out.dims.resize(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space, out.dims.data(), nullptr);
    hsize_t count = 1;
    for (hsize_t d : out.dims) count *= d;
    const hid_t type = H5Dget_type(set);
    out.is_float = H5Tget_class(type) == H5T_FLOAT;
    if (out.is_float) {
      EXPECT_EQ(H5Tget_size(type), 4u) << dataset;
      out.floats.resize(count);
      EXPECT_GE(H5Dread(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.floats.data()), 0);
    } else {
      EXPECT_EQ(H5Tget_class(type), H5T_INTEGER) << dataset;
      out.ints.resize(count);
      EXPECT_GE(H5Dread(set, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.ints.data()), 0);
    }
    H5Tclose(type);
    H5Sclose(space);
    H5Dclose(set);
  }
  H5Fclose(file);
  return out;
}

// The names of the datasets at the root of an HDF5 file.
inline std::vector<std::string> hdf5_datasets(const std::string& path) {
  std::vector<std::string> names;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_GE(file, 0) << path;
  if (file < 0) return names;
  H5Literate(
      file, H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
        static_cast<std::vector<std::string>*>(out)->push_back(name);
        return 0;
      },
      &names);
  H5Fclose(file);
  return names;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The .dict as LSTMVis reads it: each line split on whitespace into exactly (token, id).
inline std::vector<std::pair<std::string, int>> read_dict(const std::string& path) {
  std::vector<std::pair<std::string, int>> out;
  std::istringstream lines(read_text(path));
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string token, id, rest;
    fields >> token >> id;
    EXPECT_FALSE(token.empty() || id.empty()) << "'" << line << "'";
    EXPECT_FALSE(fields >> rest) << "more than two fields: '" << line << "'";
    out.emplace_back(token, std::stoi(id));
  }
  return out;
}

}  // namespace cellscope::testing_util
