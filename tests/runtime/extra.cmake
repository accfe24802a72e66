# `netforge run` end to end (exit codes, one-line errors, saved files, timing JSON).
find_program(NF_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NF_PYTHON3 AND TARGET netforge)
  add_test(NAME runtime.cli_run
           COMMAND ${NF_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/cli_run_test.py $<TARGET_FILE:netforge> ${NETFORGE_CORPUS_DIR})
  set_tests_properties(runtime.cli_run PROPERTIES LABELS runtime)
endif()
