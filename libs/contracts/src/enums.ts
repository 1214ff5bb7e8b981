export enum Size {
  S = 'S',
  M = 'M',
  L = 'L',
  XL = 'XL',
}

export enum OrderStatus {
  PAID = 'PAID',
  CANCELED = 'CANCELED',
  WAITING = 'WAITING',
}

export enum WarrantyStatus {
  ON_WARRANTY = 'ON_WARRANTY',
  USE_WARRANTY = 'USE_WARRANTY',
  REMOVED_FROM_WARRANTY = 'REMOVED_FROM_WARRANTY',
}

export enum WarrantyDecision {
  RETURN = 'RETURN',
  FIXING = 'FIXING',
  REFUSE = 'REFUSE',
}
