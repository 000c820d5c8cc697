# The memory panel ("what it remembers": click saliency and the memory horizon), added to the
# explore room's library by one line after cellscope_ui_room(explore ...):
#   include(${CMAKE_CURRENT_LIST_DIR}/memory_sources.cmake)
# CELLSCOPE_MEMORY_PANEL tells the tests (tests/ui/explore/test_memory_*.cpp) the panel is built.
set(_memory_dir ${CMAKE_CURRENT_LIST_DIR})
target_sources(cellscope_ui_explore PRIVATE
  ${_memory_dir}/horizon_plot.cpp ${_memory_dir}/horizon_plot.h
  ${_memory_dir}/memory_panel.cpp ${_memory_dir}/memory_panel.h
  ${_memory_dir}/saliency_worker.cpp ${_memory_dir}/saliency_worker.h)
target_compile_definitions(cellscope_ui_explore PUBLIC CELLSCOPE_MEMORY_PANEL=1)
