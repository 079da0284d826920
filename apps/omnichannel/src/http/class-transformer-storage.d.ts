/** class-transformer ships this module's types apart from its CommonJS build (class-validator-jsonschema reads it). */
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
