// Stands in for `fs` on fetch-native runtimes: node-appwrite imports it lazily only for file uploads
// from a path (InputFile.fromPath), which has no meaning in a worker.
export const promises = {};
export default { promises };
