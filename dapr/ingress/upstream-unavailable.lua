-- When the ingress's sidecar cannot reach a service (it is down or restarting), Dapr answers
-- 500 with its own error body (errorCode ERR_DIRECT_INVOKE...). Clients should retry that, so
-- the edge answers 503 with Retry-After in the services' error model instead. A service's own
-- 500 ({"error": ...}) has no errorCode and passes unchanged. Only 5xx bodies are read.
function envoy_on_response(handle)
  local status = tonumber(handle:headers():get(":status"))
  if status == nil or status < 500 then
    return
  end
  local body = handle:body()
  if body == nil then
    return
  end
  local text = body:getBytes(0, body:length())
  if string.find(text, '"errorCode":"ERR_DIRECT_INVOKE', 1, true) == nil then
    return
  end
  handle:headers():replace(":status", "503")
  handle:headers():replace("retry-after", "2")
  handle:headers():replace("content-type", "application/json")
  handle:headers():remove("content-length")
  body:setBytes('{"error":{"code":"UNAVAILABLE","message":"the service is restarting or unavailable; retry shortly"}}')
end
