# find_package(ampdSDK): the imported target ampd::sdk and the ampd_add_plugin() function.
include("${CMAKE_CURRENT_LIST_DIR}/ampdSDKTargets.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/AmpdAddPlugin.cmake")
