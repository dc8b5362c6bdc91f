/** The HS256 secret every test platform and test token shares. */
export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
