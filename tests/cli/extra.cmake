# CLI behaviour as a user sees it: exit codes, one-line errors, JSON fields.
find_program(NF_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NF_PYTHON3 AND TARGET netforge)
  add_test(NAME cli.info_and_errors
           COMMAND ${NF_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/cli_test.py $<TARGET_FILE:netforge> ${NETFORGE_CORPUS_DIR})
  set_tests_properties(cli.info_and_errors PROPERTIES LABELS cli)
endif()
if(NF_PYTHON3 AND TARGET netforge)
  add_test(NAME cli.golden_outputs
           COMMAND ${NF_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/golden_test.py $<TARGET_FILE:netforge> ${NETFORGE_CORPUS_DIR})
  set_tests_properties(cli.golden_outputs PROPERTIES LABELS cli TIMEOUT 900)
endif()
if(NF_PYTHON3 AND TARGET netforge)
  add_test(NAME cli.llm_external_data
           COMMAND ${NF_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/llm_test.py $<TARGET_FILE:netforge>)
  set_tests_properties(cli.llm_external_data PROPERTIES LABELS cli TIMEOUT 600)
endif()
