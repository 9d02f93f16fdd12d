// Registers aws-sdk-client-mock matchers (toReceiveCommandWith, ...) for every unit test file.
import 'aws-sdk-client-mock-vitest/extend';
